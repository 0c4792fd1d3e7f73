"""Text-only repair measured on every generated fixture that has a text-only
version (``*.extracted.txt`` next to ``*.gt.json`` / ``*.gt.txt`` under
``fixtures/`` and ``samples/``): column breaks repaired, true paragraph
boundaries kept, CJK spaces left, break hyphens removed, compound hyphens
kept, nothing dropped.

Run with ``-s`` to see the figures per file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from layoutkit.breaks import ends_sentence
from layoutkit.repairmetrics import BreakScore, score
from layoutkit.textrepair import check_nothing_dropped, repair_text

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(p for d in ("fixtures", "samples") for p in (ROOT / d).rglob("*.extracted.txt")
               if p.with_name(p.name.replace(".extracted.txt", ".gt.json")).is_file())


@dataclass
class _Fig:
    score: BreakScore
    inside: BreakScore  # breaks where the left part does not end a sentence
    breaks_removed: int = 0
    breaks_total: int = 0
    compounds_kept: int = 0
    compounds_total: int = 0


def _gt_text(gt: dict) -> str:
    arts = []
    for a in gt["articles"]:
        lines = ([a["headline"]] if a.get("headline") else []) + list(a["paragraphs"]) + list(a.get("captions", []))
        arts.append("\n".join(lines))
    return "\n\n".join(arts) + "\n"


def _measure(path: Path) -> tuple[_Fig, str, str]:
    gt = json.loads(path.with_name(path.name.replace(".extracted.txt", ".gt.json")).read_text("utf-8"))
    src = path.read_text("utf-8")
    res = repair_text(src)
    assert check_nothing_dropped(src, res) == "", path.name
    gt_text = _gt_text(gt)
    letters = 0
    breaks, inside = [], []
    for a in gt["articles"]:
        if a.get("headline"):
            letters += sum(c.isalnum() for c in a["headline"])
        starts = []
        for p in list(a["paragraphs"]) + list(a.get("captions", [])):
            starts.append(letters)
            letters += sum(c.isalnum() for c in p)
        for cb in a.get("column_breaks", []):
            para = a["paragraphs"][cb["paragraph"]]
            off = starts[cb["paragraph"]] + sum(c.isalnum() for c in para[: cb["offset"]])
            breaks.append(off)
            if not ends_sentence(para[: cb["offset"]]):
                inside.append(off)
    fig = _Fig(score(gt_text, res.text, breaks), score(gt_text, res.text, inside))
    out = res.text
    for a in gt["articles"]:
        for h in a.get("hyphens", []):
            w = h["word"]
            ok = out.count(w) >= gt_text.count(w)
            if h["kind"] == "break":
                fig.breaks_total += 1
                fig.breaks_removed += ok
            else:
                fig.compounds_total += 1
                fig.compounds_kept += ok
    return fig, gt_text, out


pytestmark = pytest.mark.skipif(not FILES, reason="no generated text-only fixtures yet")


def test_fixture_rates() -> None:
    total = BreakScore(0, 0, 0, 0, 0)
    inside = BreakScore(0, 0, 0, 0, 0)
    hb = ht = ck = ct = 0
    exact = 0
    for p in FILES:
        fig, gt, out = _measure(p)
        total, inside = total + fig.score, inside + fig.inside
        hb, ht, ck, ct = hb + fig.breaks_removed, ht + fig.breaks_total, ck + fig.compounds_kept, ct + fig.compounds_total
        exact += gt == out
        print(f"{p.name}: breaks {fig.score.repaired}/{fig.score.column_breaks}, boundaries "
              f"{fig.score.kept}/{fig.score.paragraph_boundaries}, cjk spaces {fig.score.cjk_spaces_left}, "
              f"hyphens {fig.breaks_removed}/{fig.breaks_total}, compounds {fig.compounds_kept}/{fig.compounds_total}")
    print(f"TOTAL {len(FILES)} files, {exact} exact: column breaks repaired {total.repaired_rate:.3f} "
          f"({total.repaired}/{total.column_breaks}; inside sentences {inside.repaired}/{inside.column_breaks}), "
          f"boundaries kept {total.kept_rate:.3f} ({total.kept}/{total.paragraph_boundaries}), "
          f"CJK spaces left {total.cjk_spaces_left}, break hyphens removed {hb}/{ht}, compounds kept {ck}/{ct}")
    assert total.kept_rate >= 0.98, total
    assert inside.repaired_rate >= 0.98, inside
    assert total.repaired_rate >= 0.93, total
    assert total.cjk_spaces_left == 0
    if ht:
        assert hb / ht >= 0.98
    if ct:
        assert ck / ct >= 0.95
