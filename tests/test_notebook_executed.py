"""Every result class rendered by a real notebook kernel (nbclient executes the notebook).

The notebook is built here, one result per cell, and run in a fresh IPython kernel;
each cell's rich output must be HTML that shows the key numbers first and cuts its
tables, and its plain-text output must be short. What Jupyter shows is what these
outputs hold.
"""

import re

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from alliancestats._output import HTML_ROWS  # noqa: E402

SETUP = """\
import alliancestats as als
case = als.datasets.load_iran_venezuela()
m, t = case.meetings, case.independent_sanctions
kw = dict(window=case.window, period=case.period)
res = als.coincidence_test(m, t, **kw)
report = als.audit(m, t, **kw, n_resamples=99, rng=0)
"""

#: one cell per result: (name, expression displayed as the cell's value)
CELLS = [
    ("coincidence", "res"),
    ("monte carlo", "als.coincidence_test(m, t, **kw, null='jitter', days=10, "
                    "method='monte-carlo', n_resamples=99, rng=0)"),
    ("summary", "res.summary()"),
    ("sweep", "als.window_sweep(m, t, period=case.period, windows=als.sweep_windows(20), "
              "n_resamples=50, rng=0)"),
    ("rate curve", "als.rate_curve(m, t, **kw, n_replicates=5, rng=0)"),
    ("lag test", "als.lag_test(m, t, period=case.period, n_resamples=99, rng=0)"),
    ("influence", "als.influence(m, t, **kw)"),
    ("composition", "als.composition_test(res.table, 'topic', n_resamples=99, rng=0)"),
    ("power", "als.power(0.3, 25, t, **kw)"),
    ("effect sizes", "res.effect_sizes()"),
    ("count model", "als.count_model_test(m, t, **kw)"),
    ("diagnosis", "als.diagnose(m, t, **kw, n_resamples=99, rng=0)"),
    ("scan", "als.scan(als.datasets.load_synthetic_events(), window=als.Window.after(days=30), "
             "period=als.Period('2015-01-01', '2020-12-31'), trigger_actor='USA')"),
    ("audit", "report"),
    ("audit summary", "report.summary()"),
    ("placebo", "report.placebo"),
    ("secondary", "report.secondary"),
]


@pytest.fixture(scope="module")
def outputs():
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(SETUP)]
    book.cells += [nbformat.v4.new_code_cell(code) for _, code in CELLS]
    client = nbclient.NotebookClient(book, timeout=600, kernel_name="python3",
                                     allow_errors=False)
    client.execute()
    shown = {}
    for (name, _), cell in zip(CELLS, book.cells[1:]):
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, (name, cell.outputs)
        shown[name] = results[0].data
    return shown


def _cut_tables(html):
    """Body rows of each table after the first (the key numbers)."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    return [body.count("<tr") for body in bodies[1:]]


@pytest.mark.parametrize("name", [n for n, _ in CELLS])
def test_each_result_renders_compactly_in_a_notebook(outputs, name):
    data = outputs[name]
    html = data["text/html"]
    plain = data["text/plain"]
    assert "DataFrame(" not in plain and "dataclass" not in plain, name
    if name.endswith("summary"):
        assert html.startswith("<pre") and "monospace" in html       # monospaced text
        assert "\\n" not in plain                                    # shows lines, not escapes
        return
    assert html.startswith("<div class='alliancestats-result'><p><b>"), name
    assert all(rows <= HTML_ROWS for rows in _cut_tables(html)), name
    assert len(plain.splitlines()) <= 3, (name, plain)               # a one-line repr
    assert len(html) < 20_000, (name, len(html))


def test_key_numbers_come_first(outputs):
    html = outputs["coincidence"]["text/html"]
    assert html.index("K = 21 of 25") < html.index("<details>")   # the case study (tested elsewhere)
    audit = outputs["audit"]["text/html"]
    assert audit.index("Verdict") < audit.index("<details>")
