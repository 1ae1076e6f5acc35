"""The primary analysis of an audit: one null, one statistic, one window, declared first."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

from ..diagnose import Diagnosis
from ..errors import AllianceStatsError
from ..nulls import make_null
from ..statistics import STATISTICS, get_statistic
from ..window import Window

__all__ = ["Analysis", "primary_from_diagnosis", "PRIMARY_STATISTIC"]

#: the statistic an audit tests when it chooses the primary analysis itself
PRIMARY_STATISTIC = "likelihood"

SYMBOLS = {name: s.symbol for name, s in STATISTICS.items()}


@dataclass(frozen=True)
class Analysis:
    """A test fixed before any p-value is seen: null model, statistic, window, options.

    A combination the library refuses (``episode-jitter`` with the trigger rate),
    an unknown null, statistic or option is an error here, before any data are
    touched.

    Parameters
    ----------
    null : str
        A null of :data:`alliancestats.nulls.NULLS`.
    statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
        What is counted (see :func:`alliancestats.coincidence_test`).
    window : Window, optional
        The lags that count; ``None`` takes the window the audit is given.
    null_options : mapping
        The null's options, as :func:`~alliancestats.coincidence_test` takes them
        (``strata``, ``days``, ``gap``, ...).

    Examples
    --------
    >>> a = Analysis(null="stratified", statistic="pairs", null_options={"strata": "year"})
    >>> a.label()
    'S (pairs) under stratified (strata=year)'
    """

    null: str
    statistic: str
    window: Window | None = None
    null_options: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.window is not None and not isinstance(self.window, Window):
            raise AllianceStatsError(f"`window` must be a Window or None, got "
                                     f"{type(self.window).__name__}")
        if not isinstance(self.null_options, Mapping):
            raise AllianceStatsError(f"`null_options` must map option names to values, got "
                                     f"{self.null_options!r}")
        options = dict(self.null_options)
        model = make_null(self.null, options)          # unknown null or option: an error
        model.check_statistic(get_statistic(self.statistic))
        object.__setattr__(self, "null_options", MappingProxyType(options))

    @property
    def symbol(self) -> str:
        """K, S, R or Λ."""
        return SYMBOLS[self.statistic]

    def options(self) -> dict[str, Any]:
        """The null's options as a plain dict (for ``coincidence_test(**options)``).

        Returns
        -------
        dict
            A new dict of option name to value; changing it leaves the analysis as it is.
        """
        return dict(self.null_options)

    def label(self) -> str:
        """The analysis in words, as ``"S (pairs) under stratified (strata=year)"``.

        Returns
        -------
        str
            Symbol, statistic, null and the null's options (when there are any).
        """
        options = ", ".join(f"{k}={v}" for k, v in self.null_options.items())
        return (f"{self.symbol} ({self.statistic}) under {self.null}"
                + (f" ({options})" if options else ""))

    def with_window(self, window: Window) -> "Analysis":
        """The same analysis on another window.

        Parameters
        ----------
        window : Window
            The lags that count in the new analysis.

        Returns
        -------
        Analysis
            A new analysis with this one's null, statistic and options on ``window``.
        """
        return Analysis(self.null, self.statistic, window, self.null_options)

    def to_dict(self) -> dict[str, Any]:
        """The analysis as a JSON-ready dict.

        Returns
        -------
        dict
            ``null``, ``statistic``, ``window`` (its own ``to_dict()``, or None when the
            analysis takes the audit's window) and ``null_options`` (tuples as lists).
        """
        return {"null": self.null, "statistic": self.statistic,
                "window": None if self.window is None else self.window.to_dict(),
                "null_options": {k: (list(v) if isinstance(v, (list, tuple)) else v)
                                 for k, v in self.null_options.items()}}


def primary_from_diagnosis(diagnosis: Diagnosis, window: Window) -> tuple[Analysis, str]:
    """The primary analysis an audit declares from :func:`alliancestats.diagnose`,
    which looks at the dates only, and the reason in words.

    The null is the top-ranked one, with its suggested options; the statistic is
    always Λ (``likelihood``), the log likelihood ratio of the coupled-response
    model (each trigger can cause a response within the window; see
    :func:`alliancestats.effect_sizes`) with half the responses coupled against
    none. It was chosen on the calibration grid, before any case-study p-value,
    for power against *strong* coupling, the link a study of this design must not
    miss: with 80% of 25 responses following the case study's sanctions the
    verdict says "supported" more often with Λ than with S (docs: the audit
    page's verdict rates), whose score test is most powerful against weak
    coupling (a few days under many triggers dominate it). Like S, Λ uses how many triggers precede a response,
    not only whether one does, so it keeps power when the windows cover most days
    and K is nearly saturated. The calibration tables show Λ holding its level
    under the nulls ``diagnose`` ranks first for the data it suits
    (``stratified`` and ``jitter`` without bursts of responses,
    ``episode-jitter`` with them), and the verdict rates of
    :mod:`alliancestats.audit.rates` "supported" at most α + 3 SE of the time on
    the six scenarios without coupling.

    Parameters
    ----------
    diagnosis : Diagnosis
        What :func:`alliancestats.diagnose` found in the dates.
    window : Window
        The window of the primary analysis.

    Returns
    -------
    analysis : Analysis
        The primary analysis: the top-ranked null with its suggested options, the
        statistic Λ and ``window``.
    reason : str
        Why, in words: the null's rank and reasons, and why Λ (with the share of
        days the windows cover, C/T).
    """
    null = diagnosis.primary
    options = dict(diagnosis.options.get(null, {}))
    row = diagnosis.recommendation.iloc[0]
    reason = (f"chosen by diagnose before any p-value: {null} ranks first "
              f"({'suited' if row.suited else 'no suited null; fewest failed assumptions'}: "
              f"{row.reasons}); statistic Λ, the likelihood ratio of a strong coupling of "
              f"responses to individual triggers (half of them) against none, chosen on "
              f"the calibration grid for power against strong coupling; it counts how many "
              f"triggers precede a response, so it keeps power when windows cover most days "
              f"(here C/T = {float(diagnosis.coverage['share'].iloc[0]):.2f})")
    return Analysis(null, PRIMARY_STATISTIC, window, options), reason
