"""Layout of pages whose text lines are already known (PDF text layer).

The lines are rasterised into a mask and go through the same XY-cut and
classification as scanned pages (:mod:`layoutkit.layout`); headlines are
told by font size and weight when the PDF gives them.
"""

from __future__ import annotations

import cv2
import numpy as np

from .layout import _assign_columns, _columns, _segment_mask, classify
from .model import BBox, Block, BlockKind, Line


def segment_lines(
    lines: list[Line],
    width: int,
    height: int,
    dpi: int,
    rules: list[BBox],
    photos: list[BBox],
    page_number: int = 1,
) -> list[Block]:
    """Group known text lines (PDF text layer) into blocks in reading order,
    with the same XY-cut and classification as scanned pages.  Headlines are
    told by font size (``Word.font_size``) when known, else by line height."""
    if not lines:
        return []
    mask = np.zeros((height, width), np.uint8)
    for ln in lines:
        b = ln.bbox
        cv2.rectangle(mask, (b.x0, b.top), (max(b.x0, b.x1 - 1), max(b.top, b.bottom - 1)), 255, thickness=-1)
    for p in photos:
        cv2.rectangle(mask, (p.x0, p.top), (p.x1 - 1, p.bottom - 1), 255, thickness=-1)
    heights = sorted(ln.bbox.height for ln in lines)
    em = float(heights[len(heights) // 2])
    hrules = [r for r in rules if r.width >= r.height]
    vrules = [r for r in rules if r.width < r.height]
    leaves, _ = _segment_mask(mask, em, hrules, vrules)
    members: list[list[Line]] = [[] for _ in leaves]
    for ln in lines:
        best, best_area = -1, 0
        for i, lf in enumerate(leaves):
            inter = lf.intersection(ln.bbox)
            if inter is not None and inter.area > best_area:
                best, best_area = i, inter.area
        if best >= 0:
            members[best].append(ln)
    sizes: list[float] = []
    for ms in members:
        fs = [w.font_size for ln in ms for w in ln.words if w.font_size > 0]
        sizes.append(float(np.median(fs)) if fs else (float(np.median([ln.bbox.height for ln in ms])) if ms else 0.0))
    lines_of = [[ln.bbox for ln in ms] for ms in members]
    regions = classify(leaves, lines_of, photos, width, height, hrules, sizes=sizes)
    body = [r.bbox for r in regions if r.kind == BlockKind.BODY]
    columns = _columns(body, width, em)
    blocks: list[Block] = []
    for r, ms in zip(regions, members):
        if r.kind != BlockKind.PHOTO and not ms:
            continue
        col, span = _assign_columns(r.bbox, columns)
        ms_sorted = sorted(ms, key=lambda ln: (ln.bbox.top, ln.bbox.x0))
        blocks.append(Block(f"p{page_number}-b{len(blocks) + 1}", r.kind, r.bbox, tuple(ms_sorted), col, span))
    return blocks
