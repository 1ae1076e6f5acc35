"""``jitter``: each response moved uniformly within ±J days of where it was."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .._setup import Setup
from .._validation import check_integer
from ..errors import AllianceStatsError
from ._placement import UnitPlacementNull, Units


class JitterNull(UnitPlacementNull):
    r"""Each response on a uniform day of ``[t_i - J, t_i + J]`` within the period.

    Keeps the trigger dates and each response's rough timing (to within ``J``
    days), hence any trend or seasonality in the responses coarser than ``J``.
    Destroys the fine timing relative to triggers. Days of the interval outside
    the period are not used (the interval is clipped, not wrapped).

    Choose ``J`` larger than the window: with ``J`` much smaller than ``L``
    responses barely move and the test has little power; with ``J`` as long as
    the period it becomes ``uniform``.

    Parameters
    ----------
    **options
        ``days`` (int ``>= 0``, required): ``J``, the half-width of each response's
        interval in days.

    Notes
    -----
    With :math:`I_i = [t_i - J, t_i + J] \cap [\text{start}, \text{end}]`,
    :math:`p_i = C(I_i) / |I_i|` and K is Poisson-binomial; S is the convolution of
    the histograms of ``c`` over each :math:`I_i` (see
    :mod:`alliancestats.nulls._placement`): a balanced tree of convolutions of the
    :math:`n` unit pmfs (responses on the same day, or with the same histogram of
    scores over their intervals, share one, raised to its multiplicity), narrow
    merges direct, wide ones by FFT with exponential tilting,
    every probability above :math:`10^{-270}` to relative precision; near-linear in
    :math:`n` (K at :math:`n = 10^5` in well under a second). ``episode-jitter``
    moves whole bursts of responses instead of single ones.
    """

    name: ClassVar[str] = "jitter"
    options: ClassVar[dict[str, Any]] = {"days": None}
    held_fixed = "trigger dates and each response's date to within ±J days"
    randomised = "each response on a uniform day within ±J days of its own (clipped to the period)"

    def check_options(self) -> None:
        if self.values["days"] is None:
            raise AllianceStatsError("null 'jitter' needs `days=J`, the half-width in days")
        self.values["days"] = check_integer(self.values["days"], "days", minimum=0)
        self.randomised = self.randomised.replace("J", str(self.values["days"]))
        self.held_fixed = self.held_fixed.replace("J", str(self.values["days"]))

    def make_units(self, setup: Setup) -> Units:
        offsets, j = setup.response_offsets, self.values["days"]
        return Units(low=np.maximum(offsets - j, 0),
                     high=np.minimum(offsets + j, setup.period.n_days - 1),
                     unit=np.arange(setup.n), rel=np.zeros(setup.n, np.int64))
