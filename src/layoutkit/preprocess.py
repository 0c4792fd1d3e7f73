"""Raster preprocessing with OpenCV: border removal, deskew, background
normalisation and binarisation, despeckling, DPI estimation.

All images are grey uint8 ``(H, W)``; ``binary`` marks ink as 255.  Every
step can be switched off through :class:`~layoutkit.options.PreprocessOptions`.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .options import PreprocessOptions


@dataclass(frozen=True)
class Prepared:
    """Result of preprocessing one page.

    ``gray``: deskewed grey page with the background flattened (uint8, paper
    ~255).  ``binary``: ink = 255, after despeckling.  ``angle``: degrees
    corrected (positive = the page was rotated counter-clockwise to fix it).
    ``dpi``: from the file or estimated.  ``em``: body text size in pixels
    (median glyph height), 0 when the page has no text.  ``shade``: see
    :func:`normalize_background`.
    """

    gray: np.ndarray
    binary: np.ndarray
    angle: float
    dpi: int
    em: float
    shade: np.ndarray | None = None  # 255 = paper; low = large dark areas (photos)
    bilevel: bool = False  # the scan was already black and white (no grey levels)


def deskew_image(image: np.ndarray, angle: float) -> np.ndarray:
    """Rotate ``image`` by ``angle`` degrees (counter-clockwise positive)
    about its centre, keeping its size, with a white border."""
    if abs(angle) < 1e-3:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def normalize_background(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Divide by an estimate of the paper so uneven lighting and yellowed
    paper become a flat white background.

    Returns the flattened page and a *shade* map (uint8, 255 = paper): the
    paper estimate divided by its own large-scale trend.  Areas darker than
    the paper over more than a glyph's width (photos, tints) are low there;
    text and lighting gradients are not.
    """
    h, w = gray.shape
    # background: a large closing (removes dark text) on a reduced image
    scale = max(1, int(round(dpi / 75)))
    small = cv2.resize(gray, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA)
    k = max(3, int(dpi / scale * 0.12) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    # the large-scale trend of the paper, on a further reduced copy (a wide
    # blur is costly; the trend is smooth anyway)
    sh, sw = bg.shape
    tiny = cv2.resize(bg, (max(1, sw // 4), max(1, sh // 4)), interpolation=cv2.INTER_AREA)
    kt = max(3, k | 1)
    tiny = cv2.GaussianBlur(cv2.dilate(tiny, cv2.getStructuringElement(cv2.MORPH_RECT, (kt, kt))),
                            (0, 0), dpi / scale * 0.5 / 4)
    trend = cv2.resize(tiny, (sw, sh), interpolation=cv2.INTER_LINEAR)
    shade = cv2.divide(bg, np.maximum(trend, 1), scale=255)
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    shade = cv2.resize(shade, (w, h), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return out, shade


def binarize(gray: np.ndarray) -> np.ndarray:
    """Otsu on the normalised grey; returns ink = 255."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def estimate_skew(binary: np.ndarray, max_angle: float = 5.0) -> float:
    """Angle (degrees) that makes text lines horizontal, from the variance of
    the horizontal projection profile on a reduced image; coarse then fine."""
    h, w = binary.shape
    f = min(1.0, 900.0 / max(h, w))
    small = cv2.resize(binary, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    if small.sum() == 0:
        return 0.0
    sh, sw = small.shape
    centre = (sw / 2.0, sh / 2.0)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(centre, a, 1.0)
        rot = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        prof = rot.sum(axis=1, dtype=np.float64)
        return float(np.var(prof))

    best = 0.0
    for step, span in ((0.5, max_angle), (0.1, 0.5), (0.02, 0.1)):
        cands = np.arange(best - span, best + span + 1e-9, step)
        cands = cands[np.abs(cands) <= max_angle + 1e-9]
        scores = [score(float(a)) for a in cands]
        best = float(cands[int(np.argmax(scores))])
    return round(best, 2)


def remove_borders(gray: np.ndarray) -> np.ndarray:
    """Whiten dark scanner borders and frames.

    A border is a band of mostly dark rows or columns at an edge (a few
    white pixels outside it are allowed: scanners often leave a thin light
    margin), plus any long dark stroke lying within 3% of an edge (a frame
    line or a book's spine shadow)."""
    h, w = gray.shape
    dark = gray < 80
    out = gray.copy()
    slack = max(2, int(0.004 * min(h, w)))  # light pixels allowed before the band

    def edge_run(profile: np.ndarray) -> int:
        n, light = 0, 0
        for i, v in enumerate(profile):
            if v > 0.6:
                n = i + 1
            elif n == 0 and light < slack:
                light += 1
            else:
                break
        return n

    rows = dark.mean(axis=1)
    cols = dark.mean(axis=0)
    top, bottom = edge_run(rows), edge_run(rows[::-1])
    left, right = edge_run(cols), edge_run(cols[::-1])
    if top:
        out[:top] = 255
    if bottom:
        out[h - bottom:] = 255
    if left:
        out[:, :left] = 255
    if right:
        out[:, w - right:] = 255
    # frame lines near the edges: long thin dark runs within the outer 3%
    # (found on a copy reduced to about 1000 px, then whitened at full size)
    f = max(1, min(h, w) // 1000)
    d = cv2.resize((out < 80).astype(np.uint8) * 255, (max(1, w // f), max(1, h // f)),
                   interpolation=cv2.INTER_AREA) > 64
    d = d.astype(np.uint8)
    sh, sw = d.shape
    band = max(3, int(0.03 * min(sh, sw)))
    for horizontal in (True, False):
        length = int((sw if horizontal else sh) * 0.5)
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        edge = np.zeros_like(d)
        if horizontal:
            edge[:band] = 1
            edge[sh - band:] = 1
        else:
            edge[:, :band] = 1
            edge[:, sw - band:] = 1
        lines = cv2.morphologyEx(d * edge, cv2.MORPH_OPEN, k)
        if lines.any():
            grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
            out[cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST) > 0] = 255
    return out


def despeckle(binary: np.ndarray, min_area: int) -> tuple[np.ndarray, np.ndarray]:
    """Remove connected components smaller than ``min_area`` pixels; returns
    the cleaned image and the statistics of the components that stay."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return binary, stats[1:]
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    out = binary.copy()
    out[small[labels]] = 0
    return out, stats[1:][~small[1:]]


def text_height(binary: np.ndarray, stats: np.ndarray | None = None) -> float:
    """Median height (px) of glyph-sized components: the body text size.
    ``stats`` (connected-component statistics without the background) saves
    labelling the image again."""
    if stats is None:
        n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        stats = stats[1:]
    if len(stats) == 0:
        return 0.0
    stats = np.vstack([np.zeros((1, stats.shape[1]), stats.dtype), stats])
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    areas = stats[1:, cv2.CC_STAT_AREA]
    ok = (hs >= 4) & (ws >= 2) & (hs < binary.shape[0] / 10) & (areas >= 6)
    if ok.sum() < 10:
        return 0.0
    hs = hs[ok]
    # glyph heights cluster around the body size; ignore the tail of small pieces
    return float(np.percentile(hs, 70))


def preprocess(image: np.ndarray, dpi: int, options: PreprocessOptions | None = None,
               *, dpi_known: bool = True) -> Prepared:
    """Run the enabled steps on a grey page."""
    opts = options or PreprocessOptions()
    gray = image
    sample = image[::7, ::7]
    bilevel = float(((sample > 40) & (sample < 215)).mean()) < 0.02
    if opts.remove_borders:
        gray = remove_borders(gray)
    if opts.binarize:
        gray, shade = normalize_background(gray, dpi)
    else:
        shade = np.full_like(gray, 255)
    binary = binarize(gray)
    angle = 0.0
    if opts.deskew:
        angle = estimate_skew(binary, opts.max_skew)
        if abs(angle) >= 0.1:
            gray = deskew_image(gray, angle)
            shade = deskew_image(shade, angle)
            binary = binarize(gray)
        else:
            angle = 0.0
    stats = None
    if opts.despeckle:
        binary, stats = despeckle(binary, max(3, int((dpi / 300.0) ** 2 * 12)))
    em = text_height(binary, stats)
    if not dpi_known and em > 0:
        # body type is about 9.5 pt; a CJK glyph fills ~0.9 em
        dpi = int(round(em / 0.9 / 9.5 * 72))
        dpi = min(1200, max(72, dpi))
    return Prepared(gray=gray, binary=binary, angle=angle, dpi=dpi, em=em, shade=shade, bilevel=bilevel)
