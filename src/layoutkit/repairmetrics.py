"""Measuring break repair: how many column breaks inside paragraphs were
repaired, how many true paragraph boundaries were kept, how many spaces are
left between CJK characters.

Positions are counted in *letters* (alphanumeric characters, CJK included;
spaces, punctuation and hyphens are not counted), so the ground truth and
an output can be compared even though repair removed hyphens and spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CJK_CJK_SPACE_RE = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff]) +(?=[\u3400-\u9fff\uf900-\ufaff])")


def _letters(text: str) -> int:
    return sum(c.isalnum() for c in text)


def boundaries(text: str) -> set[int]:
    """Letter offsets at which a line (paragraph, headline) of ``text`` starts,
    the first excluded."""
    out: set[int] = set()
    pos = 0
    for i, line in enumerate(ln for ln in text.split("\n") if ln.strip()):
        if i:
            out.add(pos)
        pos += _letters(line)
    return out


@dataclass(frozen=True)
class BreakScore:
    column_breaks: int
    repaired: int
    paragraph_boundaries: int
    kept: int
    cjk_spaces_left: int

    @property
    def repaired_rate(self) -> float:
        return self.repaired / self.column_breaks if self.column_breaks else 1.0

    @property
    def kept_rate(self) -> float:
        return self.kept / self.paragraph_boundaries if self.paragraph_boundaries else 1.0

    def __add__(self, other: BreakScore) -> BreakScore:
        return BreakScore(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, int, int, int, int]:
        return (self.column_breaks, self.repaired, self.paragraph_boundaries, self.kept, self.cjk_spaces_left)


def score(gt_text: str, out_text: str, column_breaks: Iterable[int], gt_cjk_spaces: int | None = None) -> BreakScore:
    """Compare ``out_text`` with ``gt_text`` (both in the text format).

    ``column_breaks`` are letter offsets (in ``gt_text``) where a paragraph
    continues in another column or page.  A break is repaired when the
    output has no line boundary there; a true boundary (any line start of
    the ground truth) is kept when the output has one there.  Spaces left
    between two CJK ideographs are counted beyond those in the ground truth.
    """
    gt_b = boundaries(gt_text)
    out_b = boundaries(out_text)
    breaks = set(column_breaks)
    gt_spaces = len(_CJK_CJK_SPACE_RE.findall(gt_text)) if gt_cjk_spaces is None else gt_cjk_spaces
    return BreakScore(
        column_breaks=len(breaks),
        repaired=len(breaks - out_b),
        paragraph_boundaries=len(gt_b),
        kept=len(gt_b & out_b),
        cjk_spaces_left=max(0, len(_CJK_CJK_SPACE_RE.findall(out_text)) - gt_spaces),
    )
