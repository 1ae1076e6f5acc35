"""The audit's report: text, JSON and HTML, bad input, and the command line."""

import json

import pytest

import alliancestats as als
from alliancestats import AllianceStatsError, Window
from alliancestats.cli import main

pytestmark = pytest.mark.filterwarnings("ignore::alliancestats.DegenerateDataWarning")


@pytest.fixture(scope="module")
def case():
    return als.datasets.load_iran_venezuela()


# -- the report ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(case):
    return als.audit(case.meetings, case.independent_sanctions, window=case.window,
                     period=case.period, subset_columns=["target"], composition_attribute="topic",
                     rate_breaks=["2017-01-20"], sensitivity_attribute="confidence", move_days=3,
                     max_days=40, n_resamples=199, rng=0)


def test_checks_run_under_the_primary_analysis(case, report):
    primary = report.primary
    test = dict(window=case.window, period=case.period, null=primary.null,
                statistic=primary.statistic, **primary.options())
    reverse = als.coincidence_test(case.meetings, case.independent_sanctions,
                                   **{**test, "window": Window(-33, 0)})
    assert report.reverse.pvalue == reverse.pvalue
    assert report.trigger_subsets.pvalue.iloc[0] == report.result.pvalue
    assert set(report.sweep.table.null) == {primary.null}
    assert set(report.sweep.table.statistic) == {primary.statistic}
    assert report.lag.null.startswith(primary.null)
    assert report.influence.pvalue == report.result.pvalue
    assert report.response_subsets.pvalue.iloc[0] == report.result.pvalue
    assert report.dates.pvalue == report.result.pvalue
    analyses = set(report.secondary.table.analysis)
    assert primary.label() not in analyses and len(analyses) == 26
    assert "K (matches) under stratified (strata=year)" in analyses


def test_report_text_json_and_html(report):
    text = report.text()
    for piece in ("Verdict: NOT SUPPORTED", "Primary analysis (chosen by diagnose",
                  "1. Placebo", "2. Reverse direction", "3. Leave one out: not a check here",
                  "4. Sensitivity", "without confidence=low", "dates moved by up to ±3 days",
                  "5. Window search", "6. Window-free lag test", "7. Trigger subsets",
                  "Secondary analyses (labelled secondary", "Count model"):
        assert piece in text, piece
    payload = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert payload["verdict_level"] == "not supported" and payload["verdict"] == report.verdict
    assert payload["primary"]["statistic"] == "likelihood" and payload["primary"]["chosen_by"] == "diagnose"
    assert set(payload["checks"]) == {"placebo", "reverse", "leave_one_out", "response_subsets",
                                      "dates", "window_search", "lag_test", "trigger_subsets"}
    assert payload["checks"]["leave_one_out"]["applies"] is False
    rows = payload["secondary"]["analyses"]
    assert len(rows) == 26 and all(r["pvalue_adjusted"] >= r["pvalue"] for r in rows)
    html = report._repr_html_()
    assert "not supported" in html and "Secondary analyses" in html
    assert report.checks().check.tolist()[:3] == ["primary test", "placebo (shifted trigger lists)",
                                                  "reverse direction"]


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(sensitivity_attribute="quality"), "`sensitivity_attribute`: the responses have no "
                                            "column 'quality'"),
    (dict(move_days=5000), "shorter than the period"),
    (dict(placebo_min=3000), "no shift of the trigger list"),
    (dict(primary=als.Analysis("jitter", "pairs", null_options={"days": 10}), placebo_step=0),
     "`step` must be >= 1"),
])
def test_audit_bad_input(case, kwargs, pattern):
    with pytest.raises(AllianceStatsError, match=pattern):
        als.audit(case.meetings, case.independent_sanctions, window=case.window,
                  period=case.period, max_days=3, n_resamples=19, rng=0, **kwargs)


# -- command line ---------------------------------------------------------------------------------

def test_cli_audit_declares_the_primary_analysis(tmp_path, run_cli, case):
    m, s = tmp_path / "m.csv", tmp_path / "s.csv"
    case.meetings.frame.to_csv(m, index=False)
    case.sanctions.frame.to_csv(s, index=False)
    base = ["audit", str(m), str(s), "--start", "2013-01-01", "--end", "2020-12-31", "--window",
            "30", "--slack", "3", "--triggers-where", "proxy_related=no", "--max-days", "5",
            "--resamples", "99", "--seed", "1", "--json"]
    code, out, err = run_cli(base + ["--primary-null", "stratified", "--primary-statistic",
                                     "matches", "--strata", "year", "--sensitivity-attribute",
                                     "confidence", "--move-days", "2", "--placebo-step", "60"])
    payload = json.loads(out)
    assert code == 0, err
    assert payload["primary"]["chosen_by"] == "declared"
    assert payload["primary_test"]["pvalue"] == pytest.approx(0.0384, abs=5e-5)
    assert payload["verdict_level"] in ("supported", "suggestive", "not supported")
    assert payload["checks"]["placebo"]["step"] == 60 and payload["checks"]["dates"]["days"] == 2
    for argv, piece in [
        (["--strata", "year"], "--strata applies only to --primary-null stratified"),
        (["--primary-statistic", "pairs"], "--primary-statistic needs --primary-null"),
        (["--primary-null", "episode-jitter", "--primary-statistic", "trigger-rate"],
         "cannot test statistic 'trigger-rate'"),
        (["--sensitivity-attribute", "quality"], "--sensitivity-attribute"),
        (["--move-days", "9999"], "--move-days"),
        (["--placebo-min", "5000"], "no shift"),
    ]:
        code, out, err = run_cli(base + argv)
        assert code == 2 and out == "" and err.count("\n") == 1 and piece in err, (argv, err)


def test_cli_example_audit_json_has_the_verdict_level(run_cli):
    code, out, _ = run_cli(["example", "--audit", "--json"])
    payload = json.loads(out)
    assert code == 0 and payload["verdict_level"] == "not supported"
    code, out, _ = run_cli(["example", "--audit"])
    assert code == 0 and "Verdict: NOT SUPPORTED" in out


def test_cli_audit_text(capsys, case, tmp_path):
    m, s = tmp_path / "m.csv", tmp_path / "s.csv"
    case.meetings.frame.to_csv(m, index=False)
    case.independent_sanctions.frame.to_csv(s, index=False)
    assert main(["audit", str(m), str(s), "--start", "2013-01-01", "--end", "2020-12-31",
                 "--window", "30", "--slack", "3", "--max-days", "5", "--resamples", "99"]) == 0
    assert "Verdict: NOT SUPPORTED" in capsys.readouterr().out
