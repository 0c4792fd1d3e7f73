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

    scored: dict[float, float] = {}  # angle -> score: the finer searches repeat a few angles exactly

    def score(a: float) -> float:
        if a not in scored:
            m = cv2.getRotationMatrix2D(centre, a, 1.0)
            rot = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
            # row sums as exact integers (the same values a float64 sum gives)
            prof = cv2.reduce(rot, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel().astype(np.float64)
            scored[a] = float(np.var(prof))
        return scored[a]

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
    line or a book's spine shadow).  Returns a new image, or ``gray``
    itself when there is nothing to whiten."""
    h, w = gray.shape
    # dark = below 80: 255 in ``dark`` (uint8 grey, so at most 79)
    dark = cv2.threshold(gray, 79, 255, cv2.THRESH_BINARY_INV)[1]
    out = gray  # copied before the first change
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

    # (the share of dark pixels per row and column, as ``dark.mean`` gives
    # it, from exact integer counts)
    rows = cv2.reduce(dark, 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255 / w
    cols = cv2.reduce(dark, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel() // 255 / h
    top, bottom = edge_run(rows), edge_run(rows[::-1])
    left, right = edge_run(cols), edge_run(cols[::-1])
    if top or bottom or left or right:
        out = gray.copy()
        out[:top] = 255
        out[h - bottom:] = 255
        out[:, :left] = 255
        out[:, w - right:] = 255
        dark = cv2.threshold(out, 79, 255, cv2.THRESH_BINARY_INV)[1]
    # frame lines near the edges: long thin dark runs within the outer 3%
    # (found on a copy reduced to about 1000 px, then whitened at full size)
    f = max(1, min(h, w) // 1000)
    d = cv2.resize(dark, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA) > 64
    d = d.astype(np.uint8)
    sh, sw = d.shape
    band = max(3, int(0.03 * min(sh, sw)))
    for horizontal in (True, False):
        length = int((sw if horizontal else sh) * 0.5)
        # only the edge bands can hold a frame line, and a line kernel works
        # on each row (column) alone: open the two bands, not the whole page
        n = sh if horizontal else sw
        found = []
        for a, b in ((0, min(band, n)), (max(band, n - band), n)):
            if b > a:
                part = open_line(d[a:b] if horizontal else d[:, a:b], length, horizontal) > 0
                if part.any():
                    found.append((a, b, part))
        if found:
            lines = np.zeros_like(d)
            for a, b, part in found:
                if horizontal:
                    lines[a:b] = part
                else:
                    lines[:, a:b] = part
            grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
            if out is gray:
                out = gray.copy()
            out[cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST) > 0] = 255
    return out


def label_components(binary: np.ndarray, connectivity: int = 8) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected components of the non-zero pixels, as
    :func:`cv2.connectedComponentsWithStats` gives them: the count
    (background included), the label image (same shape) and the statistics
    (one row per label, ``cv2.CC_STAT_*`` columns, row 0 = background).

    Labels are 16-bit while they fit: OpenCV's labelling with statistics is
    several times faster then, with the same labels and statistics.  A page
    with more provisional labels than 16 bits hold is labelled again in 32."""
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=connectivity, ltype=cv2.CV_16U)
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=connectivity, ltype=cv2.CV_32S)
    return n, labels, stats


def erase_components(image: np.ndarray, labels: np.ndarray, stats: np.ndarray, drop: np.ndarray) -> np.ndarray:
    """A copy of ``image`` with the pixels of the components flagged in
    ``drop`` (bool per label, from :func:`label_components`) set to 0.

    Components are erased box by box (about 2 us each) while that is
    cheaper than one look-up of the whole label image (about 2 ns a pixel,
    however many components go)."""
    out = image.copy()
    idx = np.flatnonzero(drop)
    if idx.size * 1000 > labels.size:
        out[drop[labels]] = 0
        return out
    for i, (x, y, w, h) in zip(idx.tolist(), stats[idx, :4].tolist()):
        sub = out[y:y + h, x:x + w]
        sub[labels[y:y + h, x:x + w] == i] = 0
    return out


def open_line(mask: np.ndarray, length: int, horizontal: bool) -> np.ndarray:
    """Morphological opening of a mask (ink = non-zero) with a line of
    ``length`` pixels along the rows (``horizontal``) or the columns:
    the runs of ink at least that long, as 0/255.  The same as
    ``cv2.morphologyEx(mask, cv2.MORPH_OPEN, ...)`` with a ``(length, 1)``
    or ``(1, length)`` rectangle gives for a 0/255 mask, borders included,
    several times faster: the mask is packed eight pixels to a byte across
    the line's direction (a horizontal line works on the transposed mask),
    and the erosion (AND) and dilation (OR) over ``length`` rows take
    log2(length) steps of whole packed rows."""
    img = cv2.transpose(mask) if horizontal else mask
    width = img.shape[1]
    packed = np.packbits(img > 0, axis=1)
    if length > 1:
        packed = _rows_window(_rows_window(packed, length, 255), length, 0)
    out = np.unpackbits(packed, axis=1, count=width) * np.uint8(255)
    return cv2.transpose(out) if horizontal else out


def _rows_window(rows: np.ndarray, length: int, fill: int) -> np.ndarray:
    """Row ``i`` of the result: the AND (``fill`` 255: erosion, the outside
    counted as ink) or the OR (``fill`` 0: dilation, the outside paper) of
    rows ``i - length // 2`` to ``i - length // 2 + length - 1`` of ``rows``
    (uint8, any shape after the first axis) -- OpenCV's anchor for a line
    kernel in both passes.  Windows doubled 1, 2, 4 ... rows, then the
    last step overlapping."""
    n = rows.shape[0]
    a = length // 2
    padded = np.empty((n + length - 1,) + rows.shape[1:], np.uint8)
    padded[:a] = fill
    padded[a:a + n] = rows
    padded[a + n:] = fill
    op = np.bitwise_and if fill else np.bitwise_or
    cur, k = padded, 1  # cur[i]: the op over padded[i:i + k]
    while 2 * k <= length:
        cur = op(cur[:-k], cur[k:])
        k *= 2
    if k < length:
        cur = op(cur[:-(length - k)], cur[length - k:])
    return cur


#: pages larger than this (pixels) are labelled in strips (see :func:`label_strips`)
STRIP_PIXELS = 16_000_000


def label_strips(binary: np.ndarray, rows: int = 1024) -> tuple[list[tuple[int, np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """8-connected components of a large page, labelled in strips of
    ``rows`` rows (16-bit labels fit a strip where they would overflow on
    the whole of a big or noisy page, and 32-bit labelling is several times
    slower) and joined across the strips' edges.

    Returns ``(strips, root, merged)``: per strip ``(y0, labels, stats)`` as
    :func:`label_components` gives them for ``binary[y0:y0 + len]``; for
    every piece (the strips' labels 1.. in order, strip after strip) the
    index of its whole component in ``merged``; ``merged`` the statistics
    (``x, y, w, h, area`` in page pixels, ``cv2.CC_STAT_*`` order) of the
    whole components, the same set a labelling of the whole page gives (in
    another order)."""
    h, w = binary.shape
    strips: list[tuple[int, np.ndarray, np.ndarray]] = []
    offsets: list[int] = []
    total = 0
    for y0 in range(0, h, rows):
        n, labels, stats = label_components(binary[y0:y0 + rows], connectivity=8)
        strips.append((y0, labels, stats))
        offsets.append(total)
        total += n - 1
    pieces = np.concatenate([st[1:, :5] for _, _, st in strips]).astype(np.int64) if total else np.zeros((0, 5), np.int64)
    pieces[:, cv2.CC_STAT_TOP] += np.repeat([y0 for y0, _, _ in strips], [len(st) - 1 for _, _, st in strips])
    parent: dict[int, int] = {}

    def find(a: int) -> int:
        while parent.get(a, a) != a:
            parent[a] = parent.get(parent[a], parent[a])
            a = parent[a]
        return a

    for i in range(len(strips) - 1):
        # 8-neighbours across the edge: (last row, x) touches (next first row, x - 1 .. x + 1)
        above = strips[i][1][-1].astype(np.int64)
        below = strips[i + 1][1][0].astype(np.int64)
        for a, b in ((above, below), (above[1:], below[:-1]), (above[:-1], below[1:])):
            both = (a > 0) & (b > 0)
            if not both.any():
                continue
            pairs = np.unique(np.stack([a[both] - 1 + offsets[i], b[both] - 1 + offsets[i + 1]], axis=1), axis=0)
            for p, q in pairs.tolist():
                rp, rq = find(p), find(q)
                if rp != rq:
                    parent[max(rp, rq)] = min(rp, rq)
    root = np.arange(total)
    for k in list(parent):
        root[k] = find(k)
    # number the whole components 0.. and gather their statistics
    uniq, root = np.unique(root, return_inverse=True)
    m = uniq.size
    x0 = np.full(m, np.iinfo(np.int64).max)
    y0s = np.full(m, np.iinfo(np.int64).max)
    x1 = np.zeros(m, np.int64)
    y1 = np.zeros(m, np.int64)
    np.minimum.at(x0, root, pieces[:, 0])
    np.minimum.at(y0s, root, pieces[:, 1])
    np.maximum.at(x1, root, pieces[:, 0] + pieces[:, 2])
    np.maximum.at(y1, root, pieces[:, 1] + pieces[:, 3])
    area = np.bincount(root, weights=pieces[:, 4], minlength=m).astype(np.int64)
    merged = np.stack([x0, y0s, x1 - x0, y1 - y0s, area], axis=1).astype(np.int32) if m else np.zeros((0, 5), np.int32)
    return strips, root, merged


def erase_in_strips(image: np.ndarray, strips: list[tuple[int, np.ndarray, np.ndarray]], drop: np.ndarray) -> np.ndarray:
    """A copy of ``image`` without the pieces flagged in ``drop`` (one
    flag per piece, numbered as in :func:`label_strips`)."""
    out = np.empty_like(image)
    k = 0
    for y0, labels, stats in strips:
        n = len(stats) - 1
        flags = np.concatenate(([False], drop[k:k + n]))
        out[y0:y0 + labels.shape[0]] = erase_components(image[y0:y0 + labels.shape[0]], labels, stats, flags)
        k += n
    return out


def despeckle(binary: np.ndarray, min_area: int) -> tuple[np.ndarray, np.ndarray]:
    """Remove connected components smaller than ``min_area`` pixels; returns
    the cleaned image and the statistics of the components that stay
    (``cv2.CC_STAT_*`` columns, in no particular order)."""
    if binary.size > STRIP_PIXELS:
        strips, root, merged = label_strips(binary)
        small = merged[:, cv2.CC_STAT_AREA] < min_area
        return erase_in_strips(binary, strips, small[root]), merged[~small]
    n, labels, stats = label_components(binary, connectivity=8)
    if n <= 1:
        return binary, stats[1:]
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    return erase_components(binary, labels, stats, small), stats[1:][~small[1:]]


def text_height(binary: np.ndarray, stats: np.ndarray | None = None) -> float:
    """Median height (px) of glyph-sized components: the body text size.
    ``stats`` (connected-component statistics without the background) saves
    labelling the image again."""
    if stats is None:
        _, _, stats = label_components(binary, connectivity=8)
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
