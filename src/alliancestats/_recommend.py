"""Which null suits the data: the assumptions each null makes, checked against the
measurements of :func:`alliancestats.diagnose`, in words."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .nulls import NULLS

#: the flags whose truth would break each null, in the order reasons are given
ASSUMPTIONS: dict[str, tuple[str, ...]] = {
    "uniform": ("responses_trend", "responses_cluster"),
    "stratified": ("responses_cluster",),
    "jitter": ("responses_cluster",),
    "circular": ("responses_trend", "triggers_trend"),
    "episode-jitter": (),
    "poisson": ("triggers_trend", "triggers_cluster"),
    "shuffle-triggers": ("triggers_trend", "triggers_cluster"),
}

#: among equally suited nulls, those that hold more of the responses' own structure
#: fixed come first: they stay valid if a trend or clustering went undetected
ORDER_IF_CLUSTERED = ("episode-jitter", "circular", "stratified", "jitter", "uniform",
                      "poisson", "shuffle-triggers")
ORDER_OTHERWISE = ("stratified", "episode-jitter", "jitter", "circular", "uniform",
                   "poisson", "shuffle-triggers")

ONE_AT_A_TIME = ("uniform", "stratified", "jitter")


def _statement(null: str, flag: str, violated: bool, evidence: dict[str, str]) -> str:
    text = evidence[flag]
    if flag == "responses_cluster":
        if not violated:
            return f"no clustering of responses detected ({text})"
        return (f"responses cluster ({text}): a null that moves responses one at a time breaks "
                "the clusters up and overstates significance; episode-jitter moves clusters whole")
    if null == "circular" and flag.endswith("_trend"):
        series = flag.split("_")[0]
        if not violated:
            return f"no trend detected in the {series} ({text})"
        return (f"{series} trend ({text}): circular wraps the responses round the period, "
                "which is exchangeable only for a series without trend; a trend in either "
                "series rules it out, because a common trend (busy years shared by both) "
                "makes circular reject too often, and a few dozen responses rarely show "
                "their own trend")
    if flag == "responses_trend":
        if not violated:
            return f"no trend detected in the responses ({text})"
        return (f"responses trend ({text}): uniform spreads them evenly over the period; "
                "stratified and jitter keep the trend")
    kind = "trend" if flag == "triggers_trend" else "cluster"
    if not violated:
        return f"no trigger {kind} detected ({text})"
    what = ("assumes a constant trigger rate" if kind == "trend"
            else "places trigger days independently of each other")
    return f"triggers {kind} ({text}): {null} {what}"


def recommend(flags: dict[str, bool], evidence: dict[str, str],
              notes: dict[str, str], statistic: str = "matches") -> pd.DataFrame:
    """Rank the nulls: suited ones first, in the order above; then the others by how
    many of their assumptions fail; last those that refuse ``statistic`` (never
    suited, whatever the data). ``notes[null]`` adds a remark to a null's reasons."""
    order = ORDER_IF_CLUSTERED if flags["responses_cluster"] else ORDER_OTHERWISE
    rows: list[dict[str, Any]] = []
    for position, null in enumerate(order):
        failed = [f for f in ASSUMPTIONS[null] if flags[f]]
        statements = [_statement(null, f, flags[f], evidence) for f in ASSUMPTIONS[null]]
        refusal = NULLS[null].refused_statistics.get(statistic)
        if refusal is not None:
            failed.append(f"refuses {statistic}")
            statements.insert(0, f"cannot test the statistic {statistic!r}: {refusal}")
        if null in notes:
            statements.append(notes[null])
        if flags["forced"]:
            statements.append(evidence["forced"])
        rows.append({"null": null, "suited": not failed, "violations": len(failed),
                     "failed": ", ".join(failed), "reasons": "; ".join(statements),
                     "_refused": refusal is not None, "_position": position})
    table = pd.DataFrame(rows).sort_values(["_refused", "violations", "_position"], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    return table.drop(columns=["_refused", "_position"]).reset_index(drop=True)
