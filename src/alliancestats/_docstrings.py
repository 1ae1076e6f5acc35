"""Docstring text written once and shared by several functions.

A docstring names a shared fragment on a line of its own, ``{name}``, indented as
the fragment should be; :func:`fill` puts the text there (so ``help()``, the API
pages and numpydoc validation all see the whole text).
"""

from __future__ import annotations

import re
import textwrap
from typing import Callable, TypeVar

T = TypeVar("T", bound=Callable[..., object])


def _expand(doc: str, pattern: str, text: Callable[[re.Match[str]], str]) -> tuple[str, int]:
    """Replace each line matching ``pattern`` (group 1: its indent) by ``text(match)``,
    indented as the line was; returns the new text and the number of lines replaced."""
    return re.subn(pattern, lambda m: textwrap.indent(text(m), m.group(1)), doc,
                   flags=re.MULTILINE)


def fill(**fragments: str) -> Callable[[T], T]:
    """Decorator: replace each ``{key}`` line of the docstring by ``fragments[key]``."""
    def decorate(obj: T) -> T:
        doc = obj.__doc__ or ""
        for key, text in fragments.items():
            doc, found = _expand(doc, rf"^([ \t]*)\{{{re.escape(key)}\}}\n", lambda m: text)
            if not found:
                raise AssertionError(f"{obj.__qualname__}: no {{{key}}} line in the docstring")
        obj.__doc__ = doc
        return obj
    return decorate


#: parameter descriptions many functions share; a docstring line ``{shared: a b}``
#: becomes the entries ``a`` and ``b`` (see :func:`shared`)
SHARED = {
    "responses_triggers": """\
responses, triggers : EventSeries
    The events that might respond (e.g. meetings) and those that might trigger
    them (e.g. sanctions).
""",
    "window": """\
window : Window
    The lags ``t - s`` (response day minus trigger day) that count as a match,
    e.g. ``Window.after(days=30, slack=3)``.
""",
    "period": """\
period : Period
    The observation period; every response must lie in it (see ``drop_outside``).
""",
    "null": """\
null : str
    The baseline: ``"uniform"``, ``"poisson"``, ``"stratified"``, ``"jitter"``,
    ``"episode-jitter"``, ``"circular"`` or ``"shuffle-triggers"``; see
    :mod:`alliancestats.nulls` for what each holds fixed.
""",
    "statistic": """\
statistic : {"matches", "pairs", "trigger-rate", "likelihood"}
    ``"matches"`` (K): responses with a trigger in their window; ``"pairs"`` (S):
    (response, trigger day) pairs at a lag in the window; ``"trigger-rate"`` (R):
    share of trigger days followed by a response; ``"likelihood"`` (Λ): log
    likelihood ratio of a coupling share of 0.5 against none. See
    :mod:`alliancestats.statistics`.
""",
    "progress": """\
progress : bool or None
    A progress bar: None (default) shows one only when standard error is a
    terminal and tqdm is installed; True always (needs the ``progress`` extra);
    False never.
""",
    "n_resamples": """\
n_resamples : int
    Monte Carlo draws ``B``.
""",
    "rng": """\
rng : None, int or numpy.random.Generator
    Source of randomness; a seed makes the result reproducible.
""",
    "drop_outside": """\
drop_outside : bool
    Drop responses outside the period instead of raising (counted in
    ``n_dropped``).
""",
    "null_options": """\
**null_options
    Options of the null, as in :func:`alliancestats.coincidence_test`.
""",
    "test_options": """\
**test_options
    Passed to :func:`alliancestats.coincidence_test` (e.g. ``strata=``,
    ``n_resamples=``, ``rng=``).
""",
    "alpha": """\
alpha : float
    The significance level.
""",
    "coupling": """\
coupling : float
    The share of responses caused by a trigger, in ``[0, 1]``.
""",
    "ax": """\
ax : matplotlib Axes, optional
    Where to draw (a new figure if None).
""",
    "returns_axes": """\
matplotlib Axes
    The Axes drawn on (``ax``, or the new figure's).
""",
    "returns_summary": """\
Summary
    The report as a ``str``, shown as preformatted text in a notebook.
""",
    "returns_json": """\
dict
    Only numbers, strings, lists, dicts, booleans and None, so :func:`json.dumps`
    writes it; a number that is not finite (NaN, infinity) is None, and the
    ``null_reasons`` entry says why for each.
""",
    "delay": """\
delay : array, optional
    How long after its trigger a coupled response comes: ``(delays,
    probabilities)`` rows as :func:`alliancestats.simulate.delay_distribution`
    gives (default: uniform over the window's lags).
""",
}


def shared(obj: T) -> T:
    """Decorator: expand each ``{shared: name ...}`` line with :data:`SHARED` entries."""
    obj.__doc__ = _expand(obj.__doc__ or "", r"^([ \t]*)\{shared: ([^}]*)\}\n",
                          lambda m: "".join(SHARED[key] for key in m.group(2).split()))[0]
    return obj
