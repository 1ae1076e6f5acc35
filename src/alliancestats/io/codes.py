"""Event codes by their code system: CAMEO, PLOVER, or plain labels.

* **CAMEO** codes are text of 2 to 4 digits whose first two digits are the root
  (``"04"`` consult, ``"043"`` host a visit, ``"0311"``). ``"43"``, ``43``, ``43.0``
  and ``"043"`` are one code. A query code matches itself and every code beneath it:
  ``"16"`` takes ``160``–``166`` and their four-digit children.
* **PLOVER** (the POLECAT data) has event types (``"CONSULT"``) and modes; a table
  code is ``"TYPE"`` or ``"TYPE:mode"`` (``"CONSULT:visit"``) and ``"CONSULT"`` matches
  every consult mode.
* **labels**: any text, matched exactly (e.g. the roles in the travels data).

Named code sets: ``CAMEO.MEETINGS``, ``CAMEO.SANCTIONS``, ``PLOVER.MEETINGS``,
``PLOVER.SANCTIONS``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from .._docstrings import fill
from ..errors import AllianceStatsError
from ._text import distinct_values, first_rows, read_table, show

__all__ = ["CodeSet", "CodeSystem", "CAMEO", "PLOVER", "LABELS", "code_system", "CODE_SYSTEMS"]

MODE_SEPARATOR = ":"
#: the ``name`` of each code system, as a CodeSet's ``system`` names it
SYSTEM_NAMES = ("CAMEO", "PLOVER", "labels")


@dataclass(frozen=True)
class CodeSet:
    """A named set of event codes of one code system.

    A table event matches when its code falls under one of ``include`` and
    under none of ``exclude`` (each matched with its children). ``system`` is the
    code system's name (``"CAMEO"``, ``"PLOVER"``, ``"labels"``); the codes are
    checked against it when the set is used on a table.

    Parameters
    ----------
    name : str
        A short name, e.g. ``"meetings"``.
    system : {"CAMEO", "PLOVER", "labels"}
        The code system the codes belong to.
    include : tuple of str
        The codes whose events (with their children's) are in the set; at least one.
    exclude : tuple of str, optional
        Codes (with their children) taken out again.
    description : str, optional
        What the set stands for, in words.
    """

    name: str
    system: str
    include: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        for key in ("name", "system", "description"):
            value = getattr(self, key)
            if not isinstance(value, str) or (key != "description" and not value.strip()):
                raise AllianceStatsError(f"`{key}` must be {'' if key == 'description' else 'non-empty '}"
                                         f"text, got {value!r}")
        if self.system not in SYSTEM_NAMES:
            raise AllianceStatsError(f"`system` must be one of {', '.join(map(repr, SYSTEM_NAMES))}, "
                                     f"got {self.system!r}")
        for key in ("include", "exclude"):
            value = getattr(self, key)
            if isinstance(value, str) or not isinstance(value, (tuple, list)) or not all(
                    isinstance(code, str) and code.strip() for code in value):
                raise AllianceStatsError(f"`{key}` must be a tuple of codes written as text "
                                         f"(e.g. ('040', '042')), got {value!r}")
            object.__setattr__(self, key, tuple(value))
        if not self.include:
            raise AllianceStatsError("`include` is empty; a code set needs at least one code")

    def __iter__(self) -> Iterator[str]:
        return iter(self.include)

    def __repr__(self) -> str:
        out = f"{self.system}.{self.name.upper()}: {', '.join(self.include)}"
        return out + (f" except {', '.join(self.exclude)}" if self.exclude else "")


#: the parameters and return of ``default_codes`` (code systems and event tables)
DEFAULT_CODES_DOC = """\
Parameters
----------
codes : code, list of codes, CodeSet or None
    The codes asked for.
kind : {"MEETINGS", "SANCTIONS"}
    The named set used when ``codes`` is None; a code system without one
    (labels) needs explicit codes.

Returns
-------
code, list of codes or CodeSet
    ``codes`` when given, else the named set.
"""

class CodeSystem:
    """How codes of one system are written, checked and matched."""

    name: str = ""
    MEETINGS: CodeSet | None = None
    SANCTIONS: CodeSet | None = None

    # -- table columns ---------------------------------------------------------------
    def _normalise_column(self, values: pd.Series, *, argument: str, column: str,
                         row_label: Callable[[int], str],
                         modes: pd.Series | None = None) -> pd.Categorical:
        """The column as a categorical of normalised codes (missing stays missing).

        Each distinct value is checked once; bad values raise naming their rows.
        """
        if modes is not None:
            values = self._with_modes(values, modes)
        positions, distinct = distinct_values(values)
        codes, problems = self._normalise_distinct(distinct)
        if problems:
            where = f"`{argument}`, column {column!r}"
            lines = "; ".join(f"{show(distinct[i])} ({first_rows(positions, i, row_label)}): {why}"
                              for i, why in problems[:8])
            more = f" and {len(problems) - 8} more" if len(problems) > 8 else ""
            raise AllianceStatsError(f"{where}: {len(problems)} value(s) are not {self.name} codes "
                                     f"as written: {lines}{more}")
        categories = sorted(set(c for c in codes if c is not None))
        index = {c: i for i, c in enumerate(categories)}
        lookup = np.array([index.get(c, -1) if c is not None else -1 for c in codes] + [-1],
                          dtype=np.int64)
        return pd.Categorical.from_codes(lookup[positions], categories=categories)

    def _with_modes(self, values: pd.Series, modes: pd.Series) -> pd.Series:
        raise AllianceStatsError(f"{self.name} codes have no mode column")

    def _normalise_distinct(self, distinct: np.ndarray) -> tuple[list[str | None], list[tuple[int, str]]]:
        raise NotImplementedError

    # -- queries ------------------------------------------------------------------------
    @fill(default_codes=DEFAULT_CODES_DOC)
    def default_codes(self, codes: Any, kind: str) -> Any:
        """``codes``, or when None the code system's named set ``kind``.

        {default_codes}
        """
        if codes is not None:
            return codes
        if not (isinstance(kind, str) and kind in ("MEETINGS", "SANCTIONS")):
            raise AllianceStatsError(f"`kind` must be 'MEETINGS' or 'SANCTIONS', got {kind!r}")
        default = getattr(self, kind)
        if default is None:
            raise AllianceStatsError(f"`codes`: {self.name} codes have no default "
                                     f"{kind.lower()} set; give codes=")
        return default

    def query(self, codes: Any, *, argument: str = "codes") -> tuple[list[str], list[str]]:
        """Normalised ``(include, exclude)`` query codes; raises for codes not of this system.

        Parameters
        ----------
        codes : str, number, iterable of them, or CodeSet
            The codes asked for.
        argument : str, optional
            The argument name an error message uses.

        Returns
        -------
        include, exclude : list of str
            The normalised codes to include and to exclude.
        """
        if isinstance(codes, CodeSet):
            if codes.system != self.name:
                raise AllianceStatsError(
                    f"`{argument}`: {codes!r} is a {codes.system} code set but this table is coded "
                    f"in {self.name}" + (f"; use {self.name}.{codes.name.upper()}"
                                          if getattr(self, codes.name.upper(), None) else ""))
            return ([self._query_code(c, argument) for c in codes.include],
                    [self._query_code(c, argument) for c in codes.exclude])
        if isinstance(codes, (str, numbers.Number)):
            codes = [codes]
        if not isinstance(codes, Iterable):
            raise AllianceStatsError(f"`{argument}` must be a code, a list of codes or a code set, "
                                     f"got {type(codes).__name__}")
        include = [self._query_code(c, argument) for c in codes]
        if not include:
            raise AllianceStatsError(f"`{argument}` is empty; give at least one code")
        return include, []

    def _query_code(self, code: Any, argument: str) -> str:
        raise NotImplementedError

    def _under(self, categories: np.ndarray, code: str) -> np.ndarray:
        """Which table codes fall under the query code (itself or a child)."""
        raise NotImplementedError

    def match(self, codes: Any, categories: pd.Index, *, argument: str = "codes") -> np.ndarray:
        """Boolean mask over a table's distinct codes: which fall under ``codes``.

        Parameters
        ----------
        codes : str, number, iterable of them, or CodeSet
            The codes asked for (each with its children).
        categories : pandas.Index or list of str
            The table's distinct codes.
        argument : str, optional
            The argument name an error message uses.

        Returns
        -------
        numpy.ndarray of bool
            One entry per category.
        """
        include, exclude = self.query(codes, argument=argument)
        cats = _categories(categories)
        keep = np.zeros(len(cats), dtype=bool)
        for code in include:
            keep |= self._under(cats, code)
        for code in exclude:
            keep &= ~self._under(cats, code)
        return keep


def _categories(categories: Any) -> np.ndarray:
    """A table's distinct codes as an object array (a list, array or Index of codes)."""
    values = (np.asarray(list(categories), dtype=object)
              if isinstance(categories, Iterable) and not isinstance(categories, (str, bytes))
              else None)
    if values is None or values.ndim != 1 or any(not isinstance(v, str) for v in values):
        raise AllianceStatsError(f"`categories` must be a one-dimensional list or Index of a "
                                 f"table's codes (text), got {type(categories).__name__}")
    return values


def _digits(value: Any) -> tuple[str | None, bool]:
    """``(digits, from_number)`` of a value; digits None when it is not a number or digit text."""
    if isinstance(value, (bool, np.bool_)):
        return None, False
    if isinstance(value, numbers.Integral):
        whole = int(value)
        return (str(whole), True) if whole >= 0 else (None, True)
    if isinstance(value, numbers.Real):
        number = float(value)
        return (str(int(number)), True) if number.is_integer() and number >= 0 else (None, True)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip(), False
    return None, False


class CameoCodes(CodeSystem):
    """CAMEO event codes (the CAMEO 1.1b3 codebook, ``tables/cameo_events.csv``)."""

    name = "CAMEO"

    def __init__(self) -> None:
        self.labels = {r["code"]: r["label"] for r in read_table("cameo_events.csv")}
        self.MEETINGS = CodeSet("meetings", "CAMEO", ("040", "042", "043", "044", "046"),
                                description="consult, make or host a visit, meet at a third "
                                            "location, negotiate (not telephone 041 or mediate 045)")
        self.SANCTIONS = CodeSet("sanctions", "CAMEO", ("163",),
                                 description="impose embargo, boycott or sanctions")

    @staticmethod
    def _structural(text: str) -> bool:
        return 2 <= len(text) <= 4 and text.isdigit() and 1 <= int(text[:2]) <= 20

    def _one(self, value: Any) -> tuple[str | None, str]:
        """``(code, status)``: status 'ok', 'padded', 'missing', 'ambiguous' or a reason."""
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None, "missing"
        if isinstance(value, str) and value.strip() == "":
            return None, "missing"
        digits, from_number = _digits(value)
        if digits is None:
            if isinstance(value, str) and PLOVER.is_type(value):
                return None, (f"{value.strip()!r} is a PLOVER event type; read the table with "
                              "code_system='plover' (or preset=EventTable.POLECAT)")
            return None, "not 2 to 4 digits"
        candidates = [p + digits for p in ("", "0", "00") if 2 <= len(p + digits) <= 4
                      and p + digits in self.labels]
        if from_number:
            if len(candidates) > 1:
                return None, "ambiguous"
            if candidates:
                return candidates[0], "ok" if candidates[0] == digits else "padded"
            return None, "not a code of the CAMEO codebook, even with its leading zero restored"
        if digits in self.labels or (self._structural(digits) and not candidates):
            return digits, "ok"
        if candidates:
            return candidates[0], "padded"
        return None, "not a CAMEO code (2 to 4 digits, root 01 to 20)"

    def _normalise_distinct(self, distinct: np.ndarray) -> tuple[list[str | None], list[tuple[int, str]]]:
        results = [self._one(v) for v in distinct]
        problems = [(i, self._ambiguity(distinct[i])) for i, (_, s) in enumerate(results)
                    if s == "ambiguous"]
        problems += [(i, s) for i, (_, s) in enumerate(results)
                     if s not in ("ok", "padded", "missing", "ambiguous")]
        if any(s == "padded" for _, s in results):
            # the column lost its leading zeros: '10' may have been '010'
            lost = [i for i, (code, s) in enumerate(results) if s == "ok" and isinstance(distinct[i], str)
                    and len(code or "") < 4 and "0" + str(code) in self.labels]
            problems += [(i, self._ambiguity(distinct[i]) + " (other values of this column lost "
                          "their leading zero)") for i in lost]
        return [code for code, _ in results], sorted(problems)

    def _ambiguity(self, value: Any) -> str:
        digits, _ = _digits(value)
        options = [p + str(digits) for p in ("", "0") if p + str(digits) in self.labels]
        return (f"could be CAMEO {' or '.join(map(repr, options))} "
                f"({' / '.join(self.labels[o] for o in options)}); read the code column as text "
                "so leading zeros survive (dtype=str)")

    def _query_code(self, code: Any, argument: str) -> str:
        result, status = self._one(code)
        if status == "ambiguous":
            raise AllianceStatsError(f"`{argument}`: {show(code)} {self._ambiguity(code)}; give codes "
                                     "as text")
        if result is None or result not in self.labels:
            hint = status if status not in ("ok", "padded", "missing") else "not in the CAMEO codebook"
            raise AllianceStatsError(f"`{argument}`: {show(code)} is not a CAMEO code ({hint}); "
                                     "CAMEO codes are 2-4 digits such as '04', '043', '0311'")
        return result

    def _under(self, categories: np.ndarray, code: str) -> np.ndarray:
        return np.array([str(c).startswith(code) for c in categories], dtype=bool)


class PloverCodes(CodeSystem):
    """PLOVER event types and modes (``tables/plover_events.csv``), as coded in POLECAT."""

    name = "PLOVER"

    def __init__(self) -> None:
        rows = read_table("plover_events.csv")
        self.modes = {r["event_type"]: tuple(r["modes"].split()) for r in rows}
        self.MEETINGS = CodeSet("meetings", "PLOVER", ("CONSULT",), ("CONSULT:phone",),
                                description="every CONSULT event except by phone")
        self.SANCTIONS = CodeSet("sanctions", "PLOVER", ("SANCTION",),
                                 description="PLOVER SANCTION, i.e. CAMEO root 16 'reduce "
                                             "relations' (PLOVER has no code for formal sanctions only)")

    def is_type(self, value: Any) -> bool:
        return isinstance(value, str) and value.strip().upper().split(MODE_SEPARATOR)[0] in self.modes

    def _with_modes(self, values: pd.Series, modes: pd.Series) -> pd.Series:
        types = values.astype(object)
        mode = modes.astype(object)
        has_mode = mode.notna() & (mode.astype(str).str.strip() != "") & types.notna()
        out = types.copy()
        out[has_mode] = (types[has_mode].astype(str).str.strip() + MODE_SEPARATOR
                         + mode[has_mode].astype(str).str.strip())
        return out

    def _one(self, value: Any) -> tuple[str | None, str]:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None, "missing"
        if not isinstance(value, str):
            digits, _ = _digits(value)
            return None, ("a number; CAMEO codes are numbers, PLOVER codes are event types such "
                          "as 'CONSULT'" if digits is not None else "not text")
        text = value.strip()
        if text == "":
            return None, "missing"
        kind, _, mode = text.partition(MODE_SEPARATOR)
        kind = kind.strip().upper()
        if kind not in self.modes:
            if text.isdigit():
                return None, (f"{text!r} looks like a CAMEO code; read the table with "
                              "code_system='cameo'")
            return None, f"not a PLOVER event type ({', '.join(self.modes)})"
        mode = mode.strip().lower()
        return (f"{kind}{MODE_SEPARATOR}{mode}" if mode else kind), "ok"

    def _normalise_distinct(self, distinct: np.ndarray) -> tuple[list[str | None], list[tuple[int, str]]]:
        results = [self._one(v) for v in distinct]
        return ([c for c, _ in results],
                [(i, s) for i, (_, s) in enumerate(results) if s not in ("ok", "missing")])

    def _query_code(self, code: Any, argument: str) -> str:
        result, status = self._one(code)
        if result is None:
            raise AllianceStatsError(f"`{argument}`: {show(code)} is not a PLOVER code ({status}); this "
                                     "table is coded in PLOVER (POLECAT), so query it with PLOVER "
                                     "codes such as 'CONSULT' or PLOVER.MEETINGS")
        return result

    def _under(self, categories: np.ndarray, code: str) -> np.ndarray:
        prefix = code + MODE_SEPARATOR
        return np.array([c == code or str(c).startswith(prefix) for c in categories], dtype=bool)


class LabelCodes(CodeSystem):
    """Free-text codes matched exactly (no hierarchy); a query must occur in the table."""

    name = "labels"

    def _normalise_distinct(self, distinct: np.ndarray) -> tuple[list[str | None], list[tuple[int, str]]]:
        out: list[str | None] = []
        for value in distinct:
            text = str(value).strip() if value is not None and not (
                isinstance(value, float) and np.isnan(value)) else ""
            out.append(text or None)
        return out, []

    def _query_code(self, code: Any, argument: str) -> str:
        if not isinstance(code, str) or not code.strip():
            raise AllianceStatsError(f"`{argument}`: label codes are non-empty text, got {code!r}")
        return code.strip()

    def match(self, codes: Any, categories: pd.Index, *, argument: str = "codes") -> np.ndarray:
        include, _ = self.query(codes, argument=argument)
        categories = _categories(categories)
        missing = [c for c in include if c not in set(categories)]
        if missing:
            raise AllianceStatsError(f"`{argument}`: no event has code {', '.join(map(repr, missing))}; "
                                     f"the table's codes are {list(categories)}")
        return np.isin(categories, include)

    def _under(self, categories: np.ndarray, code: str) -> np.ndarray:
        return categories == code


CAMEO = CameoCodes()
PLOVER = PloverCodes()
LABELS = LabelCodes()
CODE_SYSTEMS = {"cameo": CAMEO, "plover": PLOVER, "labels": LABELS}


def code_system(value: Any, *, argument: str = "code_system") -> CodeSystem:
    """The code system named ``value`` ('cameo', 'plover', 'labels') or given as an object.

    Parameters
    ----------
    value : str or CodeSystem
        The name (any case) or the system itself.
    argument : str, optional
        The argument name an error message uses.

    Returns
    -------
    CodeSystem
    """
    if isinstance(value, CodeSystem):
        return value
    if isinstance(value, str) and value.lower() in CODE_SYSTEMS:
        return CODE_SYSTEMS[value.lower()]
    raise AllianceStatsError(f"`{argument}` must be one of {', '.join(map(repr, CODE_SYSTEMS))}, "
                             f"got {value!r}")
