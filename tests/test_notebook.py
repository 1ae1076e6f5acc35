"""Notebook display of every result: compact HTML, Summary objects, typed frames.

The display code a notebook calls (``_repr_html_``, ``repr``) is executed directly
here; tests/test_notebook_executed.py runs the same in a real kernel.
"""

import re

import numpy as np
import pandas as pd
import pytest

import alliancestats as als
from alliancestats._output import HTML_COLUMNS, HTML_ROWS, Summary, typed_frame


@pytest.fixture(scope="module")
def results():
    case = als.datasets.load_iran_venezuela()
    kw = dict(window=case.window, period=case.period)
    m, t = case.meetings, case.independent_sanctions
    res = als.coincidence_test(m, t, **kw)
    return {
        "coincidence": res,
        "monte-carlo": als.coincidence_test(m, t, **kw, null="jitter", days=10,
                                            method="monte-carlo", n_resamples=99, rng=0),
        "sweep": als.window_sweep(m, t, period=case.period, windows=als.sweep_windows(20),
                                  n_resamples=50, rng=0),
        "break-even": als.rate_curve(m, t, **kw, n_replicates=5, rng=0),
        "lag": als.lag_test(m, t, period=case.period, n_resamples=99, rng=0),
        "influence": als.influence(m, t, **kw),
        "composition": als.composition_test(res.table, "topic", n_resamples=99, rng=0),
        "power": als.power(0.3, 25, t, **kw),
        "effect sizes": res.effect_sizes(),
        "count model": als.count_model_test(m, t, **kw),
        "diagnosis": als.diagnose(m, t, **kw, n_resamples=99, rng=0),
        "scan": als.scan(als.datasets.load_synthetic_events(), window=als.Window.after(days=30),
                         period=als.Period("2015-01-01", "2020-12-31"), trigger_actor="USA"),
    }


def _table_rows(html):
    """Body rows of every HTML table after the first (the key-number table)."""
    tables = re.findall(r"<table.*?</table>", html, flags=re.S)
    return [len(re.findall(r"<tbody>.*?</tbody>", t, flags=re.S) and
                re.findall(r"<tr", re.search(r"<tbody>.*?</tbody>", t, flags=re.S).group()))
            for t in tables[1:]]


def test_every_result_renders_compactly(results):
    for name, res in results.items():
        html = res._repr_html_()
        assert html.startswith("<div class='alliancestats-result'><p><b>"), name
        key_table = re.search(r"<table>.*?</table>", html, flags=re.S).group()
        assert key_table.count("<tr>") <= 25, name                 # key numbers first, few
        for rows in _table_rows(html):
            assert rows <= HTML_ROWS, name                         # long tables cut
        assert "<details><summary>" in html or "<details>" not in html
        assert "dataclass" not in html and "DataFrame(" not in html
    res = results["coincidence"]
    html = res._repr_html_()
    assert f"first {HTML_ROWS} of {res.n} rows" in html and "source_url" not in html
    assert html.index(f"K = {res.k} of {res.n}") < html.index("<details>")   # key numbers first
    scan = results["scan"]
    assert f"first {HTML_ROWS} of {len(scan.table)} rows" in scan._repr_html_()


def test_tables_say_what_was_cut():
    frame = pd.DataFrame(np.arange(30 * 12).reshape(30, 12))
    html = als._output.html_cut_table("numbers", frame)
    assert f"first {HTML_ROWS} of 30 rows; first {HTML_COLUMNS} of 12 columns" in html
    assert html.count("<tr") == HTML_ROWS + 1                      # header + shown rows
    small = als._output.html_cut_table("few", frame.iloc[:1, :2])
    assert "(1 row)" in small


def test_user_strings_are_escaped():
    period = als.Period("2019-01-01", "2019-12-31")
    responses = als.EventSeries(["2019-02-01", "2019-05-01"], {"id": ["<b>x</b>", "a&b"]},
                                id_column="id", name="<script>alert(1)</script>")
    triggers = als.EventSeries(["2019-01-20"], name="s<i>")
    res = als.coincidence_test(responses, triggers, window=als.Window(0, 30), period=period)
    for html in (res._repr_html_(), res.summary()._repr_html_()):
        assert "<script>" not in html and "<i>" not in html and "<b>x</b>" not in html
        assert "&lt;script&gt;" in html


def test_summary_is_text_that_displays_as_preformatted(results):
    for name, res in results.items():
        text = res.summary()
        assert isinstance(text, Summary) and isinstance(text, str), name
        assert repr(text) == str(text) == text.as_text(), name     # shows the text, no \n
        html = text._repr_html_()
        assert html.startswith("<pre") and "monospace" in html, name
    res = results["coincidence"]
    assert str(res.summary()).splitlines()[0] == ("Coincidence test: do responses fall in a "
                                                  "window after triggers?")


def test_frames_have_nullable_dtypes_and_naming_indexes(results):
    exact, mc = results["coincidence"], results["monte-carlo"]
    both = pd.concat([exact.to_frame(), mc.to_frame()])
    assert both.index.is_unique and both.index.name == "test"
    assert list(both.index) == ["uniform, K, lag 0 to 33", "jitter, K, lag 0 to 33"]
    assert str(both.pvalue_se.dtype) == "Float64" and str(both.n_resamples.dtype) == "Int64"
    assert both.pvalue_se.isna().tolist() == [True, False]
    assert both.n_resamples.iloc[1] == 99
    for name, res in results.items():
        if hasattr(res, "to_frame"):
            frame = res.to_frame()
            assert "object" not in {str(d) for d in frame.dtypes}, name
    sweep = results["sweep"].to_frame()
    assert sweep.index.is_unique and sweep.reset_index(drop=True).equals(results["sweep"].table)
    assert str(results["count model"].to_frame().pvalue_exact.dtype) == "Float64"


def test_typed_frame_infers_nullable_dtypes():
    frame = typed_frame([{"a": 1, "b": None, "c": True, "d": None},
                         {"a": None, "b": 2.5, "c": None, "d": None}],
                        index=["x", "y"], index_name="row", dtypes={"d": "Float64"})
    assert [str(d) for d in frame.dtypes] == ["Int64", "Float64", "boolean", "Float64"]
    assert frame.index.name == "row" and frame.a.isna().tolist() == [False, True]


def test_reprs_are_one_line_without_tables(results):
    for name in ("sweep", "break-even", "influence", "composition"):
        text = repr(results[name])
        assert "\n" not in text and len(text) < 300, name
    assert repr(results["composition"]).startswith("CompositionResult(p-value: ")
    influence = results["influence"]
    assert f"K = {influence.k}, p = {influence.pvalue:.4g}" in repr(influence)


def test_audit_report_displays_its_checks_and_verdict():
    case = als.datasets.load_iran_venezuela()
    report = als.audit(case.meetings, case.independent_sanctions, window=case.window,
                       period=case.period, n_resamples=50, rng=0)
    checks = report.to_frame()
    assert checks.check.tolist() == ["primary test", "placebo (shifted trigger lists)",
                                     "reverse direction", "leave one out (largest p)",
                                     "window search (adjusted)", "window-free lag test"]
    assert checks.pvalue.iloc[0] == report.result.pvalue and "Verdict" in report._repr_html_()
