"""Shipped text refers to nothing that does not ship: no design document, no issue tracker."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHIPPED = [*(ROOT / "src").rglob("*.py"), *(ROOT / "src").rglob("*.md"),
           *(ROOT / "docs").glob("*.rst"), *(ROOT / "docs" / "_templates").rglob("*.rst"),
           *(ROOT / "examples").glob("*.py"), *(ROOT / "examples").glob("*.rst"),
           ROOT / "README.md"]
FORBIDDEN = re.compile(r"\bDESIGN\b|§|(?i:\bthe issue\b)")


def test_shipped_text_mentions_no_unshipped_document():
    assert len(SHIPPED) > 50
    hits = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for path in SHIPPED
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if FORBIDDEN.search(line)]
    assert not hits, "\n".join(hits)
