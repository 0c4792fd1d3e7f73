"""Pictures of what the layout found: blocks drawn on the page, outlined
in the colour of their kind, filled lightly in the colour of their article,
numbered in reading order."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from .model import Block, BlockKind, Document, Page

# BGR
KIND_COLOURS: dict[BlockKind, tuple[int, int, int]] = {
    BlockKind.HEADLINE: (0, 0, 220),
    BlockKind.SUBHEAD: (0, 120, 255),
    BlockKind.BODY: (0, 150, 0),
    BlockKind.CAPTION: (200, 0, 200),
    BlockKind.BYLINE: (150, 150, 0),
    BlockKind.HEADER: (120, 120, 120),
    BlockKind.FOOTER: (120, 120, 120),
    BlockKind.PHOTO: (220, 0, 0),
    BlockKind.RULE: (60, 60, 60),
    BlockKind.JUMP: (0, 200, 200),
}


def _article_colour(i: int) -> tuple[int, int, int]:
    hue = (i * 47) % 180
    hsv = np.uint8([[[hue, 140, 255]]])
    b, g, r = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0]
    return int(b), int(g), int(r)


def draw(gray: np.ndarray, blocks: Sequence[Block], article_of: dict[str, int]) -> np.ndarray:
    """Return a BGR picture of ``blocks`` on ``gray`` (same pixel frame)."""
    img = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    fill = img.copy()
    for b in blocks:
        if b.id in article_of:
            bb = b.bbox
            cv2.rectangle(fill, (bb.x0, bb.top), (bb.x1, bb.bottom), _article_colour(article_of[b.id]), -1)
    img = cv2.addWeighted(fill, 0.35, img, 0.65, 0)
    scale = max(0.6, gray.shape[1] / 1800)
    thick = max(2, int(round(scale * 2)))
    for n, b in enumerate(blocks, start=1):
        bb = b.bbox
        colour = KIND_COLOURS.get(b.kind, (0, 0, 0))
        cv2.rectangle(img, (bb.x0, bb.top), (bb.x1, bb.bottom), colour, thick)
        label = f"{n} {b.kind.value}" + (f" A{article_of[b.id] + 1}" if b.id in article_of else "")
        org = (bb.x0 + 4, bb.top + int(24 * scale))
        cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, (255, 255, 255), thick + 2, cv2.LINE_AA)
        cv2.putText(img, label, org, cv2.FONT_HERSHEY_SIMPLEX, 0.7 * scale, colour, thick, cv2.LINE_AA)
    return img


def page_image(source: str | Path, page: Page, dpi: int) -> np.ndarray | None:
    """The page raster in the document's frame (deskewed as analysed)."""
    from .preprocess import deskew_image
    from .sources import load_pages

    for p in load_pages(source, dpi):
        if p.number == page.number:
            return deskew_image(p.image, page.skew)
    return None


def write_overlays(doc: Document, source: str | Path, outdir: str | Path, options: object = None) -> list[Path]:
    """Write ``<stem>-p<N>.layout.png`` for every page of ``doc``."""
    from .export import atomic_write

    article_of = {bid: i for i, a in enumerate(doc.articles) for bid in a.block_ids}
    out: list[Path] = []
    for page in doc.pages:
        gray = page_image(source, page, page.dpi)
        if gray is None:
            continue
        img = draw(gray, page.blocks, article_of)
        ok, buf = cv2.imencode(".png", img)
        if ok:
            p = Path(outdir) / f"{Path(source).stem}-p{page.number}.layout.png"
            atomic_write(p, buf.tobytes())
            out.append(p)
    return out
