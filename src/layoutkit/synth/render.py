"""Draw a :class:`PagePlan` into a grey image (numpy uint8, 255 = paper)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from .fonts import FontBook
from .layout import PagePlan


def photo_texture(width: int, height: int, seed: int) -> np.ndarray:
    """A smooth random grey picture (not text): blobs, a gradient and grain."""
    rng = np.random.default_rng(seed)
    small = rng.uniform(40, 215, size=(max(2, height // 60), max(2, width // 60))).astype(np.float32)
    img = np.array(Image.fromarray(small).resize((width, height), Image.BICUBIC), dtype=np.float32)
    yy, xx = np.mgrid[0:height, 0:width]
    img += 30 * np.sin(xx / max(width, 1) * rng.uniform(2, 7)) * np.cos(yy / max(height, 1) * rng.uniform(2, 5))
    img = np.round(img / 12) * 12  # posterised like a halftone-ish print; keeps files small
    return np.clip(img, 20, 235).astype(np.uint8)


def render_plan(plan: PagePlan, fb: FontBook | None = None) -> np.ndarray:
    """Render a plan at its own dpi: black text and rules on white, photos grey."""
    fb = fb or FontBook()
    im = Image.new("L", (plan.width, plan.height), 255)
    draw = ImageDraw.Draw(im)
    for r in plan.rects:
        x0, top, x1, bottom = r.bbox
        if r.kind == "photo":
            im.paste(Image.fromarray(photo_texture(x1 - x0, bottom - top, r.seed)), (x0, top))
            draw.rectangle((x0, top, x1 - 1, bottom - 1), outline=40, width=2)
        else:
            draw.rectangle((x0, top, x1 - 1, bottom - 1), fill=0)
    for t in plan.texts:
        font = fb.font(t.font, t.size)
        for _, disp, x in t.runs:
            draw.text((x, t.baseline), disp, font=font, fill=0, anchor="ls")
    return np.asarray(im, dtype=np.uint8).copy()
