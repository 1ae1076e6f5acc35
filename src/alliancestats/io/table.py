"""``EventTable``: a dyadic event table read from real data, with explicit code systems."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .._validation import check_bool
from ..errors import AllianceStatsError
from ..events import EventSeries
from .codes import DEFAULT_CODES_DOC, CodeSystem
from .._docstrings import fill
from ._docs import READING_PARAMETERS
from .countries import country_code
from .normalise import normalise_events
from .presets import GDELT1, GDELT2, ICEWS, POLECAT, US_TRAVELS, Preset
from .readers import PARQUET_SUFFIXES, RowLabel, read_parquet, read_text

__all__ = ["EventTable"]

REQUIRED = ("date", "source", "target", "code")
STANDARD = REQUIRED + ("mode",)


def _names(preset: Preset | None, columns: Mapping[str, str] | None, argument: str) -> dict[str, str]:
    names = dict(preset.columns) if preset is not None else {k: k for k in REQUIRED}
    if isinstance(columns, Preset):
        raise AllianceStatsError(f"`columns` got the preset {columns.name}; pass it as "
                                 f"preset=EventTable.{columns.name}")
    if columns is not None:
        unknown = sorted(set(columns) - set(STANDARD))
        if unknown:
            raise AllianceStatsError(f"`columns` keys must be among {', '.join(STANDARD)}; got {unknown}")
        names.update(columns)
    if preset is not None:
        for key in preset.fixed:
            names.pop(key, None)
    return names


def _path(path: Any) -> str:
    if not isinstance(path, (str, os.PathLike)):
        raise AllianceStatsError(f"`path` must be a file path, got {type(path).__name__}")
    return os.fspath(path)


@dataclass(frozen=True, eq=False)
class EventTable:
    """A dyadic event table: day, source country, target country, event code.

    Build one with :meth:`from_csv`, :meth:`from_parquet` or :meth:`from_frame`,
    naming the layout (``preset=EventTable.ICEWS``, ``GDELT1``, ``GDELT2``,
    ``POLECAT``, ``US_TRAVELS``) or the columns, the country scheme and the code
    system.

    Attributes
    ----------
    frame : pandas.DataFrame
        ``date`` (day precision), ``source`` and ``target`` (categorical ISO 3166
        alpha-3 or explicit non-state codes; missing where the input had none or,
        with ``unknown="missing"``, an unknown value), ``code`` (categorical, in the
        table's code system), then any columns kept from the input.
    code_system : CodeSystem
        ``CAMEO``, ``PLOVER`` or ``LABELS``.
    unknown_countries : pandas.DataFrame
        Country values kept as missing with ``unknown="missing"``: ``column``,
        ``value``, ``rows`` (how many rows), ``reason``. Empty otherwise.
    preset : Preset or None
        The layout it was read with.
    """

    frame: pd.DataFrame
    code_system: CodeSystem = None  # type: ignore[assignment]  # None refused in __post_init__
    unknown_countries: pd.DataFrame = field(default=None, repr=False)  # type: ignore[assignment]
    preset: Preset | None = None

    ICEWS = ICEWS
    GDELT1 = GDELT1
    GDELT2 = GDELT2
    POLECAT = POLECAT
    US_TRAVELS = US_TRAVELS

    def __post_init__(self) -> None:
        """Direct construction takes a table already in the normalised form (what the
        readers build); raw event data go through :meth:`from_frame` or :meth:`from_csv`."""
        how = ("build an EventTable from event data with EventTable.from_frame(frame, ...), "
               "from_csv or from_parquet")
        frame = self.frame
        if not isinstance(frame, pd.DataFrame):
            raise AllianceStatsError(f"`frame` must be a DataFrame, got {type(frame).__name__}; {how}")
        if not isinstance(self.code_system, CodeSystem):
            raise AllianceStatsError(f"`code_system` must be a code system (CAMEO, PLOVER, LABELS), "
                                     f"got {self.code_system!r}; {how}")
        normalised = (all(c in frame.columns for c in REQUIRED)
                      and pd.api.types.is_datetime64_dtype(frame["date"].dtype)
                      and all(isinstance(frame[c].dtype, pd.CategoricalDtype)
                              for c in ("source", "target", "code"))
                      and frame["source"].cat.categories.equals(frame["target"].cat.categories))
        if not normalised:
            raise AllianceStatsError(
                "`frame` is not a normalised event table (datetime 'date'; categorical 'source' "
                f"and 'target' sharing one set of countries; categorical 'code'); {how}")
        if self.unknown_countries is None:
            object.__setattr__(self, "unknown_countries",
                               pd.DataFrame(columns=["column", "value", "rows", "reason"]))
        elif not isinstance(self.unknown_countries, pd.DataFrame):
            raise AllianceStatsError("`unknown_countries` must be a DataFrame or None")
        if self.preset is not None and not isinstance(self.preset, Preset):
            raise AllianceStatsError(f"`preset` must be a Preset or None, got {self.preset!r}")

    # -- construction -----------------------------------------------------------------
    @classmethod
    @fill(reading_parameters=READING_PARAMETERS)
    def from_frame(cls, frame: pd.DataFrame, *, preset: Preset | None = None,
                   columns: Mapping[str, str] | None = None, countries: Any = None,
                   code_system: Any = None, unknown: str = "raise", date_format: str | None = None,
                   argument: str = "frame", row_label: RowLabel | None = None) -> "EventTable":
        """Read a DataFrame with one row per event.

        Parameters
        ----------
        frame : pandas.DataFrame
            The events; never modified.
        {reading_parameters}
        argument : str, optional
            The name error messages give the input (the file name for the readers).
        row_label : callable, optional
            Row position to the label error messages use (default: the index label).

        Returns
        -------
        EventTable
        """
        if not isinstance(frame, pd.DataFrame):
            raise AllianceStatsError(f"`{argument}` must be a DataFrame, got {type(frame).__name__}")
        names = _names(preset, columns, argument)
        missing = [f"{names[k]!r} ({k})" for k in names if names[k] not in frame.columns]
        if missing:
            what = f"preset {preset.name} needs" if preset is not None else "lacks required"
            raise AllianceStatsError(f"`{argument}` {what} column(s) {', '.join(missing)}; "
                                     f"its columns are {list(frame.columns)}")
        label = row_label or (lambda pos: repr(frame.index[pos]) if isinstance(frame.index[pos], str)
                              else str(frame.index[pos]))
        return cls._build(frame, names=names, preset=preset, countries=countries,
                          code_system=code_system, unknown=unknown, date_format=date_format,
                          argument=argument, row_label=label)

    @classmethod
    @fill(reading_parameters=READING_PARAMETERS)
    def from_csv(cls, path: str | os.PathLike[str], *, preset: Preset | None = None,
                 columns: Mapping[str, str] | None = None, countries: Any = None,
                 code_system: Any = None, unknown: str = "raise", date_format: str | None = None,
                 sep: str | None = None, keep: Sequence[str] | str | None = None,
                 engine: str = "auto", **read_csv_options: Any) -> "EventTable":
        """Read a CSV or tab-separated event file (codes and countries read as text).

        With a preset only the needed columns are read; ``keep`` names others to
        keep (or ``"all"``). Without a preset every column is kept. Errors name the
        file, the column and the line.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        {reading_parameters}
        sep : str, optional
            The field separator; default: the preset's, else a comma.
        keep : list of str or "all", optional
            Further columns to keep (with a preset; without one all are kept).
        engine : {"auto", "pandas", "pyarrow"}
            ``"auto"`` reads with Arrow's multi-threaded CSV reader when pyarrow is
            installed (the ``parquet`` extra), only the needed columns are read and no
            pandas options other than ``encoding`` are given. Both give the same date,
            country and code columns (columns kept with ``keep`` are text with the
            Arrow reader).
        **read_csv_options
            Other options (like ``encoding``), passed to :func:`pandas.read_csv`.

        Returns
        -------
        EventTable
        """
        return cls._from_file(path, lambda p, names: read_text(
            p, preset=preset, names=names, keep=keep, sep=sep, options=read_csv_options,
            engine=engine), preset=preset, columns=columns, countries=countries,
            code_system=code_system, unknown=unknown, date_format=date_format)

    @classmethod
    @fill(reading_parameters=READING_PARAMETERS)
    def from_parquet(cls, path: str | os.PathLike[str], *, preset: Preset | None = None,
                     columns: Mapping[str, str] | None = None, countries: Any = None,
                     code_system: Any = None, unknown: str = "raise",
                     date_format: str | None = None,
                     keep: Sequence[str] | str | None = None) -> "EventTable":
        """Read a Parquet event file (needs the ``parquet`` extra: pyarrow).

        The preset's column names, date format, code system and country scheme
        apply, its separator does not.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        {reading_parameters}
        keep : list of str or "all", optional
            Further columns to keep (with a preset; without one all are kept).

        Returns
        -------
        EventTable
        """
        return cls._from_file(path, lambda p, names: read_parquet(
            p, preset=preset, names=names, keep=keep), preset=preset, columns=columns,
            countries=countries, code_system=code_system, unknown=unknown,
            date_format=date_format)

    @classmethod
    def _from_file(cls, path: str | os.PathLike[str], read: Any, *, preset: Preset | None,
                   columns: Mapping[str, str] | None, **normalise: Any) -> "EventTable":
        path = _path(path)
        names = _names(preset, columns, path)
        frame, label = read(path, names)
        return cls._build(frame, names=names, preset=preset, argument=path, row_label=label,
                          **normalise)

    @classmethod
    def read(cls, path: str | os.PathLike[str], **options: Any) -> "EventTable":
        """:meth:`from_parquet` for ``.parquet``/``.pq`` files, :meth:`from_csv` otherwise.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        **options
            The options of the reader chosen.

        Returns
        -------
        EventTable
        """
        if _path(path).lower().endswith(PARQUET_SUFFIXES):
            return cls.from_parquet(path, **options)
        return cls.from_csv(path, **options)

    @classmethod
    def _build(cls, raw: pd.DataFrame, *, preset: Preset | None, **options: Any) -> "EventTable":
        frame, system, unknown_table = normalise_events(raw, preset=preset, **options)
        return cls(frame=frame, code_system=system, unknown_countries=unknown_table, preset=preset)

    # -- views ----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        unknown = int(self.unknown_countries["rows"].sum()) if len(self.unknown_countries) else 0
        note = f", {unknown} rows with unknown countries kept as missing" if unknown else ""
        return (f"EventTable({len(self)} events, {self.code_system.name} codes, "
                f"{len(self.frame.source.cat.categories)} countries{note})")

    @cached_property
    def days(self) -> np.ndarray:
        """Day numbers of the events (days since 1970-01-01)."""
        days = self.frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        days.setflags(write=False)
        return days

    def code_mask(self, codes: Any, *, argument: str = "codes") -> np.ndarray:
        """Which events have a code under ``codes``.

        Parameters
        ----------
        codes : code, list of codes or CodeSet
            Each code matches itself and its children.
        argument : str, optional
            The argument name an error message uses.

        Returns
        -------
        numpy.ndarray of bool
            One entry per event.
        """
        column = self.frame["code"]
        keep = self.code_system.match(codes, column.cat.categories, argument=argument)
        positions = column.cat.codes.to_numpy()
        return np.append(keep, False)[positions]

    def country(self, name: Any, argument: str = "country") -> str:
        """The table's code for a country name or code (``"Iran"``, ``"IRN"``, ``"EUR"``).

        Parameters
        ----------
        name : str
            A country name or code.
        argument : str, optional
            The argument name an error message uses.

        Returns
        -------
        str
        """
        return country_code(name, self.frame["source"].cat.categories, argument)

    def _country_index(self, name: Any, argument: str) -> int:
        code = self.country(name, argument)
        categories = self.frame["source"].cat.categories
        return int(categories.get_loc(code)) if code in categories else -2

    def _series(self, mask: np.ndarray, name: str) -> EventSeries:
        sub = self.frame[mask]
        sub = sub.astype({c: object for c in sub.columns if isinstance(sub[c].dtype, pd.CategoricalDtype)})
        return EventSeries.from_frame(sub.reset_index(drop=True), name=name)

    @fill(default_codes=DEFAULT_CODES_DOC)
    def default_codes(self, codes: Any, kind: str) -> Any:
        """``codes``, or when None the code system's named set ``kind``.

        {default_codes}
        """
        return self.code_system.default_codes(codes, kind)

    def dyad_series(self, a: Any, b: Any, *, codes: Any = None, directed: bool = False,
                    distinct_days: bool = True) -> EventSeries:
        """Events between countries ``a`` and ``b`` with a code under ``codes``.

        Parameters
        ----------
        a, b : str
            Countries, by name or code.
        codes : code, list of codes or CodeSet, optional
            Default: the code system's ``MEETINGS`` (CAMEO 040, 042-044, 046).
        directed : bool
            Only events with ``a`` as source (default: either direction).
        distinct_days : bool
            Keep one event per day (default True): event data report one meeting
            many times, so days, not reports, are counted. The command line's
            ``alliancestats test`` and :func:`alliancestats.scan` count the same way.

        Returns
        -------
        EventSeries
        """
        codes = self.default_codes(codes, "MEETINGS")
        directed = check_bool(directed, "directed")
        distinct_days = check_bool(distinct_days, "distinct_days")
        ia, ib = self._country_index(a, "a"), self._country_index(b, "b")
        src = self.frame["source"].cat.codes.to_numpy()
        tgt = self.frame["target"].cat.codes.to_numpy()
        forward = (src == ia) & (tgt == ib)
        mask = forward if directed else forward | ((src == ib) & (tgt == ia))
        mask &= self.code_mask(codes)
        ca, cb = self.country(a, "a"), self.country(b, "b")
        if not mask.any():
            raise AllianceStatsError(f"dyad {ca}-{cb} has no event with codes {codes!r}")
        series = self._series(mask, f"{ca}-{cb} events")
        return series.distinct_days() if distinct_days else series

    def actor_series(self, source: Any, *, targets: Sequence[Any] | None = None,
                     codes: Any = None) -> EventSeries:
        """Events by ``source`` on any other country (or on ``targets``) with a code under ``codes``.

        Events of the actor on itself (source = target) are never included.

        Parameters
        ----------
        source : str
            The acting country, by name or code.
        targets : list of str, optional
            Only events on these countries (default: on any other).
        codes : code, list of codes or CodeSet, optional
            Default: the code system's ``SANCTIONS`` (CAMEO 163).

        Returns
        -------
        EventSeries
        """
        codes = self.default_codes(codes, "SANCTIONS")
        index = self._country_index(source, "source")
        src = self.frame["source"].cat.codes.to_numpy()
        tgt = self.frame["target"].cat.codes.to_numpy()
        mask = (src == index) & (tgt != index) & self.code_mask(codes)
        if targets is not None:
            if isinstance(targets, (str, bytes)) or not isinstance(targets, Iterable):
                raise AllianceStatsError(f"`targets` must be a list of countries (e.g. "
                                         f"targets=['IRN']), got {targets!r}")
            wanted = [self._country_index(t, "targets") for t in targets]
            mask &= np.isin(tgt, wanted)
        return self._series(mask, f"{self.country(source, 'source')} events")
