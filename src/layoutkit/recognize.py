"""Recognition: each text region of the layout is cropped from the
preprocessed page and given to the OCR engine; the lines come back in page
coordinates inside :class:`~layoutkit.model.Block` objects, in reading order.
Photos and rules are kept as blocks without text."""

from __future__ import annotations

import logging

import numpy as np

from .engines import OcrEngine
from .layout import PageLayout, Region
from .model import BBox, Block, BlockKind, Line
from .options import ConvertOptions
from .preprocess import Prepared
from .textutil import is_cjk_text

log = logging.getLogger("layoutkit.recognize")


def _crop(gray: np.ndarray, box: BBox, pad: int) -> tuple[np.ndarray, int, int]:
    h, w = gray.shape
    x0, y0 = max(0, box.x0 - pad), max(0, box.top - pad)
    x1, y1 = min(w, box.x1 + pad), min(h, box.bottom + pad)
    return gray[y0:y1, x0:x1], x0, y0


def recognize_region(prep: Prepared, region: Region, engine: OcrEngine, opts: ConvertOptions) -> list[Line]:
    """OCR one region; lines in page coordinates, top to bottom."""
    pad = max(4, int(prep.em * 0.4))
    crop, dx, dy = _crop(prep.gray, region.bbox, pad)
    if crop.size == 0:
        return []
    single = len(region.line_boxes) == 1
    lines = engine.recognize(crop, opts.languages, opts.timeout, vertical=region.vertical, single_line=single)
    return [ln.shift(dx, dy) for ln in lines if ln.text.strip()]


def recognize_page(prep: Prepared, layout: PageLayout, engine: OcrEngine, opts: ConvertOptions,
                   page_number: int = 1) -> list[Block]:
    blocks: list[Block] = []
    for region in layout.regions:
        bid = f"p{page_number}-b{len(blocks) + 1}"
        if region.kind in (BlockKind.PHOTO, BlockKind.RULE):
            blocks.append(Block(bid, region.kind, region.bbox, (), region.column, region.span))
            continue
        lines = recognize_region(prep, region, engine, opts)
        if not lines:
            continue
        text = "".join(ln.text for ln in lines)
        lang = "zh" if is_cjk_text(text) else "en"
        bbox = BBox.enclosing([region.bbox] + [ln.bbox for ln in lines])
        blocks.append(Block(bid, region.kind, bbox, tuple(lines), region.column, region.span, lang, region.vertical))
    return blocks
