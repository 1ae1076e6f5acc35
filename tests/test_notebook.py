import pandas as pd

import alliancestats as als


def test_html_and_frames():
    case = als.datasets.load_iran_venezuela()
    res = als.coincidence_test(case.meetings, case.independent_sanctions, window=case.window,
                               period=case.period)
    frame = res.to_frame()
    assert frame.shape[0] == 1 and frame.k.iloc[0] == 21 and frame.pvalue.iloc[0] == res.pvalue
    html = res._repr_html_()
    assert "<table" in html and "M01" in html and "Coincidence test" in html
    sweep = als.window_sweep(case.meetings, case.independent_sanctions, period=case.period,
                             windows=als.sweep_windows(10), n_resamples=50, rng=0)
    assert sweep.to_frame().reset_index(drop=True).equals(sweep.table) and "<table" in sweep._repr_html_()
    curve = als.rate_curve(case.meetings, case.independent_sanctions, window=case.window,
                           period=case.period, n_replicates=5, rng=0)
    assert isinstance(curve.to_frame(), pd.DataFrame) and "Break-even" in curve._repr_html_()
    report = als.audit(case.meetings, case.independent_sanctions, window=case.window,
                       period=case.period, n_resamples=50, rng=0)
    assert len(report.to_frame()) == 5 and "Verdict" in report._repr_html_()
