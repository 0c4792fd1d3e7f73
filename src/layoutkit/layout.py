"""Page layout: rules, photos, columns and text blocks, in reading order.

The core is a recursive XY-cut on a reduced ink mask: a region is cut at
printed rules first, then at wide horizontal gaps (bands of articles), then
at column gutters, then at narrower horizontal gaps (headline / body).  The
order of the leaves is the reading order.  Leaves are classified by the size
of their lines (headlines), their neighbours (captions under photos) and
their position (running headers and footers).

The same segmentation serves the PDF text-layer path through
:func:`segment_lines`, which rasterises known line boxes into a mask.

All coordinates are page pixels (top-left origin) of the deskewed page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from .model import BBox, BlockKind
from .preprocess import (
    STRIP_PIXELS,
    Prepared,
    erase_components,
    erase_in_strips,
    label_components,
    label_strips,
    open_line,
)


@dataclass(frozen=True)
class Region:
    """A leaf of the segmentation: a box of one kind, before recognition.
    ``line_boxes`` are the text lines found by projection (may be empty)."""

    bbox: BBox
    kind: BlockKind
    line_boxes: tuple[BBox, ...] = ()
    column: int = -1
    span: int = 1
    vertical: bool = False


@dataclass(frozen=True)
class PageLayout:
    """Regions in reading order plus what was found on the way."""

    regions: tuple[Region, ...]
    rules: tuple[BBox, ...]
    photos: tuple[BBox, ...]
    columns: tuple[tuple[int, int], ...]
    em: float
    scale: int


# ---------------------------------------------------------------- rules/photos


def find_rules(binary: np.ndarray, em: float, dpi: int = 300) -> tuple[list[BBox], list[BBox]]:
    """Horizontal and vertical printed rules: ink runs at least half an inch
    (and six ems) long and thin.  ``binary``: ink = 255, paper = 0."""
    em = max(em, 8.0)
    min_len = int(max(em * 6, dpi * 0.5))
    thick = max(2, int(em * 0.35))
    out: list[list[BBox]] = [[], []]
    for axis in (0, 1):
        # bridge small breaks from noise or scanning before looking for runs
        for x, y, bw, bh in _line_runs(_dilate3(binary, horizontal=axis == 0), min_len, horizontal=axis == 0):
            length, width = (bw, bh) if axis == 0 else (bh, bw)
            if length >= min_len and width <= thick * 3:
                out[axis].append(BBox(x, y, x + bw, y + bh))
    # (a gap of more than about an em is a real end: the rules of two bands of
    # articles stop at the white between the bands)
    return _join_collinear(out[0], horizontal=True, gap=1.2 * em), _join_collinear(out[1], horizontal=False, gap=1.2 * em)


def _dilate3(img: np.ndarray, horizontal: bool) -> np.ndarray:
    """``cv2.dilate`` of ``img`` with a 3-pixel line along the rows
    (``horizontal``) or the columns, centred: each pixel the maximum of
    itself and its two neighbours (none outside the image).  Two shifted
    maxima, several times faster than OpenCV's filter for so small a
    kernel."""
    out = img.copy()
    if horizontal:
        np.maximum(out[:, 1:], img[:, :-1], out=out[:, 1:])
        np.maximum(out[:, :-1], img[:, 1:], out=out[:, :-1])
    else:
        np.maximum(out[1:], img[:-1], out=out[1:])
        np.maximum(out[:-1], img[1:], out=out[:-1])
    return out


def _line_runs(img: np.ndarray, length: int, horizontal: bool) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, w, h)`` (pixels of ``img``) of the 8-connected pieces
    left by opening ``img`` (0/255, ink = 255) with a line of ``length`` pixels
    along the rows (``horizontal``) or the columns: exactly the boxes of a
    labelling of the whole opened image.

    A line kernel works on each row (column) alone, so only the rows that
    can hold such a run are opened and labelled, packed together with an
    empty row between runs of rows that are not neighbours.  A row can hold
    one only if a copy min-pooled over 8-pixel cells along it has a run of
    whole ink cells at least half the kernel long (the erosion keeps runs
    of half a kernel at the image's edges); most text rows have not."""
    h, w = img.shape
    cell = 8
    kp = max(1, (length // 2 - 2 * cell) // cell)  # whole cells in any run that can survive
    # whole ink cells: all 8 pixels 255 (what an area-average pooling to
    # 255 means on a 0/255 image), along the rows from the bits of each
    # byte of the packed row, down the columns from the AND of 8 rows
    if horizontal:
        whole = np.packbits(img[:, :w // cell * cell] == 255, axis=1) == 255
        k = (kp, 1)
    else:
        whole = np.bitwise_and.reduce(img[:h // cell * cell].reshape(h // cell, cell, w), axis=1) == 255
        k = (1, kp)
    if whole.size == 0:
        cand = np.ones(h if horizontal else w, bool)
    else:
        full = cv2.erode(whole.view(np.uint8), cv2.getStructuringElement(cv2.MORPH_RECT, k))
        cand = full.any(axis=1 if horizontal else 0)
    if cand.mean() > 0.4:
        return _piece_boxes(open_line(img, length, horizontal))
    if not cand.any():
        return []
    pieces: list[np.ndarray] = []
    index: list[int] = []
    gap = np.zeros((1, w) if horizontal else (h, 1), img.dtype)
    for a, b in _runs(cand):
        pieces += [img[a:b] if horizontal else img[:, a:b], gap]
        index += list(range(a, b)) + [-1]
    packed = np.concatenate(pieces, axis=0 if horizontal else 1)
    out: list[tuple[int, int, int, int]] = []
    for x, y, bw, bh in _piece_boxes(open_line(packed, length, horizontal)):
        if horizontal:
            y = index[y]
        else:
            x = index[x]
        out.append((x, y, bw, bh))
    return out


def _piece_boxes(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes ``(x, y, w, h)`` of the 8-connected pieces of ``mask`` in the
    order of a labelling of the whole of it, from a labelling of the box of
    its ink only (a labelling's cost grows with the pixels it scans, and
    the runs left by an opening are few)."""
    x0, y0, bw, bh = cv2.boundingRect(mask)
    if bw == 0 or bh == 0:
        return []
    _, _, stats = label_components(mask[y0:y0 + bh, x0:x0 + bw])
    return [(int(x) + x0, int(y) + y0, int(w), int(h)) for x, y, w, h in stats[1:, :4].tolist()]


def _join_collinear(rules: list[BBox], horizontal: bool, gap: float) -> list[BBox]:
    """Join pieces of one rule broken by faint printing or scanning: segments
    on the same line (their thin extents overlap) with short gaps between."""
    key = (lambda r: (r.top, r.x0)) if horizontal else (lambda r: (r.x0, r.top))
    pending = sorted(rules, key=key)
    out: list[BBox] = []
    for r in pending:
        for i, o in enumerate(out):
            if horizontal:
                same_line = min(o.bottom, r.bottom) - max(o.top, r.top) > -3
                near = r.x0 - o.x1 < gap and o.x0 - r.x1 < gap
            else:
                same_line = min(o.x1, r.x1) - max(o.x0, r.x0) > -3
                near = r.top - o.bottom < gap and o.top - r.bottom < gap
            if same_line and near:
                out[i] = o.union(r)
                break
        else:
            out.append(r)
    return out


def _remove_rule_remnants(text: np.ndarray, em: float) -> np.ndarray:
    """Erase thin straight pieces longer than any glyph stroke (faint parts
    of rules that were too short to count as rules): a vertical stroke of a
    glyph is at most about 1.5 em long, a horizontal one about 3 em wide."""
    return _erase_thin_runs(text, int(em * 1.5), int(em * 3), max(2, int(em * 0.45)))


def _erase_thin_runs(binary: np.ndarray, tall: int, wide_: int, thin: int) -> np.ndarray:
    """``binary`` without its straight runs of ink at least ``tall`` pixels
    high (vertical) or ``wide_`` pixels wide (horizontal) and at most
    ``thin`` pixels thick.  Morphology only: the long runs, minus those that
    are also thick; vertical runs first, horizontal ones from what is left.
    ``binary``: 0/255 (the openings of :func:`open_line` give 0/255)."""
    out = binary
    # (vertical runs: along the columns, measured across the rows; then
    # horizontal runs the other way round)
    for along, horizontal in ((max(1, tall), False), (max(1, wide_), True)):
        runs = open_line(out, along, horizontal)
        if not runs.any():
            continue
        remnant = cv2.subtract(runs, open_line(runs, thin + 1, not horizontal))
        if remnant.any():
            out = cv2.subtract(out, remnant)
    return out


def _keep_glyph_strokes(before: np.ndarray, after: np.ndarray, em: float) -> np.ndarray:
    """Give back the long straight strokes that rule-remnant removal took
    from glyphs: the stem of a bold headline character (上, 中, I) is as
    thin and long as a broken rule, but it is part of a glyph-sized shape
    (at most 4 em each way) with ink that stayed and has the weight of a
    stroke (0.15 em or more across), while a piece of a rule is hair-thin,
    stands alone or runs along a column of text.

    ``after`` is ``before`` with some ink erased (never added), as
    :func:`_remove_rule_remnants` gives it; both 0/255."""
    removed_all = cv2.subtract(before, after)
    # (the removed pixels are few: everything is measured at them, not over
    # the whole box; OpenCV lists them several times faster than numpy)
    pts = cv2.findNonZero(removed_all)
    if pts is None:
        return after
    pts = pts.reshape(-1, 2)  # (x, y) rows
    xs, ys = pts[:, 0], pts[:, 1]
    bx, by = int(xs.min()), int(ys.min())
    bw, bh = int(xs.max()) + 1 - bx, int(ys.max()) + 1 - by
    # work in the box of what was removed (and a margin of 4 em: the
    # glyphs the strokes belong to); the rest of the page is left as it is
    pad = int(4 * em) + 1
    h, w = before.shape
    y0, y1 = max(0, by - pad), min(h, by + bh + pad)
    x0, x1 = max(0, bx - pad), min(w, bx + bw + pad)
    n, labels, stats = label_components(before[y0:y1, x0:x1], connectivity=8)
    if n <= 1:
        return after
    return _restore_strokes(after, removed_all, labels, stats, ys, xs, (y0, x0), em)[0]


def _restore_strokes(after: np.ndarray, removed: np.ndarray, labels: np.ndarray, stats: np.ndarray,
                     ys: np.ndarray, xs: np.ndarray, origin: tuple[int, int], em: float) -> tuple[np.ndarray, np.ndarray]:
    """The work of :func:`_keep_glyph_strokes` once ``before`` is labelled
    (``labels``, ``stats``: of ``before`` from ``origin`` = (y0, x0) of the
    page on; a component that matters is at most 4 em each way and touches
    removed ink, so it lies inside the labelled box whether that is the
    whole page or the removed ink's box and 4 em round it: one cut by the
    box's edge reaches more than 4 em from the removed ink, and is too
    large either way).  ``removed``: ``before - after`` (page pixels);
    ``ys``, ``xs``: its ink (page pixels).

    Returns ``after`` with the strokes given back, and per label the number
    of its pixels that stay removed."""
    n = len(stats)
    y0, x0 = origin
    ly, lx = ys - y0, xs - x0
    lab = labels[ly, lx]
    # a component is "mixed" when some of its ink was removed, and "kept"
    # when not all of it was (``after`` only lost ink, so its erased pixels
    # are all among the removed ones)
    lost = np.bincount(lab, minlength=n)
    mixed = lost > 0
    gone = np.bincount(lab[after[ys, xs] == 0], minlength=n)
    kept = gone < stats[:, cv2.CC_STAT_AREA]
    small = (stats[:, cv2.CC_STAT_WIDTH] <= 4 * em) & (stats[:, cv2.CC_STAT_HEIGHT] <= 4 * em)
    restore = mixed & kept & small
    restore[0] = False
    if not restore.any():
        return after, lost
    # only strokes of some weight: a hair-thin piece (1-3 px) is a rule's.
    # A piece lies within one restored component: each is labelled in its
    # own (glyph-sized) box, not the whole page in one
    out = after.copy()
    idx = np.flatnonzero(restore)
    for i, (x, y, bw, bh) in zip(idx.tolist(), stats[idx, :4].tolist()):
        sub = (slice(y0 + y, y0 + y + bh), slice(x0 + x, x0 + x + bw))
        pieces = ((labels[y:y + bh, x:x + bw] == i) & (removed[sub] > 0)).view(np.uint8)
        _, plabels, pstats = label_components(pieces, connectivity=8)
        long_side = np.maximum(pstats[:, cv2.CC_STAT_WIDTH], pstats[:, cv2.CC_STAT_HEIGHT])
        heavy = pstats[:, cv2.CC_STAT_AREA] >= 0.15 * em * long_side
        heavy[0] = False
        if heavy.any():
            out[sub][heavy[plabels]] = 255
            lost[i] -= int(pstats[heavy, cv2.CC_STAT_AREA].sum())
    return out, lost


def _clean_text(text: np.ndarray, em: float) -> tuple[np.ndarray, np.ndarray]:
    """The text ink for layout, in two stages: ``ink`` (rule remnants
    removed, glyph strokes given back) and ``ink`` without slivers --
    exactly ``_keep_glyph_strokes(text, _remove_rule_remnants(text, em),
    em)`` and :func:`_drop_slivers` of that, with one labelling of the page
    for both: the components of ``ink`` are those of ``text`` that lost no
    pixel (same pixels, same box), and the pieces of those that did,
    labelled each in its own box.  Pages labelled in strips, and pages
    where the changed components' boxes cover much of the page, take the
    two steps one after the other.  ``text``: 0/255."""
    after = _remove_rule_remnants(text, em)
    if text.size > STRIP_PIXELS:
        ink = _keep_glyph_strokes(text, after, em)
        return ink, _drop_slivers(ink, em)
    removed = cv2.subtract(text, after)
    pts = cv2.findNonZero(removed)
    n, labels, stats = label_components(text, connectivity=8)
    if n <= 1:
        return after, after
    if pts is None:
        ink, lost = after, np.zeros(n, np.int64)
    else:
        pts = pts.reshape(-1, 2)
        ink, lost = _restore_strokes(after, removed, labels, stats, pts[:, 1], pts[:, 0], (0, 0), em)
    # components that lost ink for good, and still have some, are labelled again
    changed = lost > 0
    redo = np.flatnonzero(changed & (lost < stats[:, cv2.CC_STAT_AREA]))
    boxes = stats[redo, :4]
    if int((boxes[:, 2].astype(np.int64) * boxes[:, 3]).sum()) * 4 > text.size:
        return ink, _drop_slivers(ink, em)
    thin = max(2, int(em * 0.2))

    def sliver(w: np.ndarray, h: np.ndarray) -> np.ndarray:
        return ((w <= thin) & (h <= 2 * em)) | ((h <= thin) & (w <= 2 * em))

    drop = sliver(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) & ~changed
    drop[0] = False
    # (the whole components first: their pixels in ``ink`` are their labels')
    out = erase_components(ink, labels, stats, drop) if drop.any() else ink
    for i, (x, y, bw, bh) in zip(redo.tolist(), boxes.tolist()):
        part = ((labels[y:y + bh, x:x + bw] == i) & (ink[y:y + bh, x:x + bw] > 0)).view(np.uint8)
        _, plabels, pstats = label_components(part, connectivity=8)
        gone = sliver(pstats[:, cv2.CC_STAT_WIDTH], pstats[:, cv2.CC_STAT_HEIGHT])
        gone[0] = False
        if gone.any():
            if out is ink:
                out = ink.copy()
            out[y:y + bh, x:x + bw][gone[plabels]] = 0
    return ink, out


def _drop_slivers(text: np.ndarray, em: float) -> np.ndarray:
    """For layout only: drop specks and hair-thin fragments (broken rules,
    scanner dust).  Thin letters such as l or i go too, which costs nothing:
    the words around them keep the line and the column in place.  (A page
    over :data:`~layoutkit.preprocess.STRIP_PIXELS` is labelled in strips,
    with the same result.)"""
    thin = max(2, int(em * 0.2))
    if text.size > STRIP_PIXELS:
        strips, root, merged = label_strips(text)
        w, h = merged[:, cv2.CC_STAT_WIDTH], merged[:, cv2.CC_STAT_HEIGHT]
        drop = ((w <= thin) & (h <= 2 * em)) | ((h <= thin) & (w <= 2 * em))
        return erase_in_strips(text, strips, drop[root]) if drop.any() else text
    n, labels, stats = label_components(text, connectivity=8)
    if n <= 1:
        return text
    w = stats[:, cv2.CC_STAT_WIDTH]
    h = stats[:, cv2.CC_STAT_HEIGHT]
    drop = ((w <= thin) & (h <= 2 * em)) | ((h <= thin) & (w <= 2 * em))
    drop[0] = False
    if not drop.any():
        return text
    return erase_components(text, labels, stats, drop)


def find_photos(gray: np.ndarray, binary: np.ndarray, em: float, shade: np.ndarray | None = None,
                grow: float = 0.0, dpi: int = 300) -> list[BBox]:
    """Photos and graphics: areas where the paper itself is shaded (from the
    ``shade`` map of preprocessing), and big blobs with many mid-tones or
    dense ink, much larger than a glyph in both directions."""
    em = max(em, 8.0)
    photos: list[BBox] = []
    if shade is not None:
        # the shade map is smooth: work on a copy reduced to ~4 px per em
        r = max(1, int(em / 4))
        hh, ww = shade.shape
        small = cv2.resize(shade, (max(1, ww // r), max(1, hh // r)), interpolation=cv2.INTER_AREA)
        dark = (small < 225).astype(np.uint8)
        k = max(1, int(em * 0.3 / r))
        dark = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
        # cut thin bridges between neighbouring pictures
        ko = max(3, int(em * 1.2 / r))
        dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (ko, ko)))
        n, _, stats = label_components(dark, connectivity=4)
        for i in range(1, n):
            x, y, bw, bh = (int(v) * r for v in stats[i, :4])
            area = int(stats[i, 4]) * r * r
            # a picture is at least about 0.6 inch each way; bold headline
            # words shade the paper too, but are not that tall
            if min(bw, bh) >= max(3 * em, 0.6 * dpi) and area >= 0.5 * bw * bh:
                # the shade map is blurred (about 0.06 inch) and closed: take
                # that growth back so the gutter beside the photo stays open
                # (``fit_photos`` fits it to the picture's pixels later)
                m = int(min(grow, bw / 4, bh / 4))
                photos.append(BBox(x + m, y + m, x + bw - m, y + bh - m))
        # a grey scan's pictures shade the paper; dense ink blobs are looked
        # for on black-and-white scans only.  Text shades the paper too where
        # it is dense and the paper noisy: a candidate whose ink is mostly
        # glyph-sized pieces set in lines is text, not a picture
        return _merge_boxes([p for p in photos if not _mostly_text(binary, p, em)])
    k = max(3, int(em * 0.6))
    # a column rule drawn through a picture (or ending at its caption) joins
    # it to the text around: thin long lines are left out of the search
    closed = cv2.morphologyEx(_without_thin_lines(binary, em), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    n, _, stats = label_components(closed, connectivity=8)
    # (largest first: a piece of a picture that the closing left apart lies
    # inside the box of the rest and must not take its place)
    for i in sorted(range(1, n), key=lambda i: -int(stats[i, 2]) * int(stats[i, 3])):
        x, y, bw, bh, area = (int(v) for v in stats[i, :5])
        if bw < 4 * em or bh < 4 * em:
            continue
        box = BBox(x, y, x + bw, y + bh)
        if any(box.intersection(p) is not None for p in photos):
            continue
        sub_g = gray[y:y + bh, x:x + bw]
        sub_b = binary[y:y + bh, x:x + bw]
        midtone = float(((sub_g > 50) & (sub_g < 205)).mean())
        ink = float((sub_b > 0).mean())
        fill = area / float(bw * bh)
        # mid-tones mean a grey picture; a large, very dense blob is a binarised one
        # (big bold headline letters are dense too, but not 6 ems tall and wide)
        if (fill > 0.6 and midtone > 0.3) or (ink > 0.35 and fill > 0.45 and min(bw, bh) >= 6 * em):
            if not _mostly_text(binary, box, em):
                photos.append(_tighten(_shed_text_lines(binary, box, em), binary))
    return _merge_boxes(photos)


def fit_photos(gray: np.ndarray, photos: list[BBox], hrules: list[BBox], vrules: list[BBox], em: float,
               grow: float, dpi: int) -> list[BBox]:
    """The boxes of pictures found on the shade map, fitted to the pictures'
    pixels: the shade map is blurred, and its boxes (taken in by ``grow``)
    reach into captions set close under a picture, and keep the height of
    both when two pictures side by side are cut apart at a rule.  A rule
    along a picture's edge stays outside its box, free to cut the page."""
    h, w = gray.shape[:2]
    g = int(grow)
    out = []
    for p in photos:
        # (the part of a picture cut apart at a rule, grown back, runs into
        # the next part: no paper beyond that edge, so it stays where it was)
        seen = BBox(max(0, p.x0 - g), max(0, p.top - g), min(w, p.x1 + g), min(h, p.bottom + g))
        for part in _split_at_paper(gray, seen, 0.6 * dpi):
            inner = part.intersection(p) or part
            out.append(_clear_of_rules(_fit_to_picture(gray, part, em, inner), hrules, vrules, int(0.05 * dpi)))
    return out


def _split_at_paper(gray: np.ndarray, box: BBox, side: float) -> list[BBox]:
    """Two pictures side by side closer than the shade map's blur come out
    of it as one: a band of paper down the whole box, at least a twelfth
    of ``side`` wide, with picture-sized parts (``side`` pixels or more: a
    picture is at least 0.6 inch each way) either side, parts them.  (Not
    across: a light picture can have a white band right across it.)"""
    sub = gray[box.top:box.bottom, box.x0:box.x1]
    if sub.size == 0:
        return [box]
    profile = (cv2.medianBlur(np.ascontiguousarray(sub), 5) < 240).mean(axis=0)
    inked = np.flatnonzero(profile >= 0.01)
    if inked.size == 0:
        return [box]
    first, last = int(inked[0]), int(inked[-1]) + 1
    for a, b in _runs(profile < 0.01):
        if first < a and b < last and b - a >= side / 12 and a - first >= side and last - b >= side:
            cut = box.x0 + (a + b) // 2
            return (_split_at_paper(gray, BBox(box.x0, box.top, cut, box.bottom), side)
                    + _split_at_paper(gray, BBox(cut, box.top, box.x1, box.bottom), side))
    return [box]


def _shed_lines_of_text(gaps: list[tuple[int, int]], lo: int, hi: int, em: float) -> tuple[int, int]:
    """Rows ``lo``-``hi`` of a picture's box, less a column of text beyond
    a white gap at either end: two or more pieces between white row gaps,
    none taller than 1.6 em, are lines of type (a picture is not cut into
    strips that thin), however deep they run.  ``gaps``: the white row runs
    strictly inside ``lo``-``hi``, top down; rows and ``em`` in pixels.  At
    least 3 em of the box stays."""
    line = 1.6 * em
    # from the bottom: the highest gap below which every piece is a line
    for k in range(len(gaps)):
        edges = [b for _, b in gaps[k:]]
        ends = [a for a, _ in gaps[k + 1:]] + [hi]
        if len(edges) >= 2 and all(e - s <= line for s, e in zip(edges, ends)) and gaps[k][0] - lo >= 3 * em:
            hi = gaps[k][0]
            break
    inside = [g for g in gaps if g[1] <= hi]
    # from the top: the lowest gap above which every piece is a line
    for k in range(len(inside) - 1, -1, -1):
        starts = [lo] + [b for _, b in inside[:k]]
        ends = [a for a, _ in inside[:k + 1]]
        if len(ends) >= 2 and all(e - s <= line for s, e in zip(starts, ends)) and hi - inside[k][1] >= 3 * em:
            lo = inside[k][1]
            break
    return lo, hi


def _fit_to_picture(gray: np.ndarray, box: BBox, em: float, fallback: BBox | None = None) -> BBox:
    """A picture found on the blurred shade map comes out larger than
    printed: it takes in white margins, a caption line set close under it
    (or the foot of a headline over it), the edge of the column beside it.
    Fit the box to the pixels that are not paper (on the flattened page),
    after shedding a band at most 2.6 em deep beyond a white gap right
    across the box at any edge: a picture has no such gap so close to its
    edge.  ``fallback``: the box to use when the pixels tell nothing (a
    mostly light picture)."""
    sub = gray[box.top:box.bottom, box.x0:box.x1]
    if sub.size == 0:
        return fallback or box
    # (the median keeps scanner noise from passing for grey)
    not_paper = cv2.medianBlur(np.ascontiguousarray(sub), 5) < 240

    def span(profile: np.ndarray) -> tuple[int, int]:
        inked = np.flatnonzero(profile >= 0.01)
        if inked.size == 0:
            return 0, 0
        first, last = int(inked[0]), int(inked[-1]) + 1
        lo, hi = first, last
        runs = [(a, b) for a, b in _runs(profile < 0.01) if first < a and b < last]
        # (band after band: a caption of two lines has a gap of its own, and
        # the box may end in a sliver of the text beyond)
        shed = True
        while shed:
            shed = False
            for a, b in runs:
                if b <= hi and hi - b <= 2.6 * em and a - lo >= 3 * (hi - b):
                    hi, shed = a, True
                    break
            for a, b in reversed(runs):
                if a >= lo and b < hi and a - lo <= 2.6 * em and hi - b >= 3 * (a - lo):
                    lo, shed = b, True
                    break
        # then the white margins go (a picture's light parts stay: only rows
        # and columns with next to no grey)
        dense = np.flatnonzero(profile[lo:hi] >= 0.02)
        return (lo + int(dense[0]), lo + int(dense[-1]) + 1) if dense.size else (0, 0)

    # a column of text run on beyond the picture goes first, however deep
    rows = not_paper.mean(axis=1)
    inked = np.flatnonzero(rows >= 0.01)
    t0, t1 = 0, len(rows)
    if inked.size:
        first, last = int(inked[0]), int(inked[-1]) + 1
        gaps = [(a, b) for a, b in _runs(rows < 0.01) if first < a and b < last]
        lo, hi = _shed_lines_of_text(gaps, first, last, em)
        t0, t1 = (lo, hi) if (lo, hi) != (first, last) else (0, len(rows))
    y0, y1 = span(rows[t0:t1])
    y0, y1 = y0 + t0, y1 + t0
    if y1 > y0:
        x0, x1 = span(not_paper[y0:y1].mean(axis=0))
        if x1 - x0 >= 0.5 * box.width and y1 - y0 >= 0.5 * (t1 - t0):
            fitted = BBox(box.x0 + x0, box.top + y0, box.x0 + x1, box.top + y1)
            if fallback is None:
                return fitted
            # an edge with no paper beyond it inside the box (a picture
            # running into dense type or a dirty margin) is not known: the
            # shade map's edge stays there
            return BBox(fitted.x0 if x0 > 0 else fallback.x0, fitted.top if y0 > 0 else fallback.top,
                        fitted.x1 if x1 < box.width else fallback.x1,
                        fitted.bottom if y1 < box.height else fallback.bottom)
    return fallback or box  # the picture is mostly light: keep what the shade map saw


def _without_thin_lines(binary: np.ndarray, em: float) -> np.ndarray:
    """``binary`` without its thin straight lines (rules): runs of ink at
    least 4 em long and at most 0.3 em thick, in either direction.  The ink
    of a picture is as long but thicker, and stays."""
    long_ = max(3, int(4 * em))
    return _erase_thin_runs(binary, long_, long_, max(2, int(0.3 * em)))


def _shed_text_lines(binary: np.ndarray, box: BBox, em: float) -> BBox:
    """A dense-ink picture found by closing the ink takes in a caption line
    set close under it (or a line close above it): cut the box at the last
    white row band between the picture and a band of at most two lines of
    type at its top or bottom edge."""
    sub = binary[box.top:box.bottom, box.x0:box.x1] > 0
    if sub.size == 0:
        return box
    rows = sub.mean(axis=1)
    white = rows < 0.01
    runs = [(a, b) for a, b in _runs(white) if 0 < a and b < len(rows)]
    top, bottom = box.top, box.bottom
    if runs:
        for a, b in runs:  # top down: the first band that qualifies is the highest
            if len(rows) - b <= 2.6 * em and rows[:a].mean() > 2 * rows[b:].mean():
                bottom = box.top + a
                break
        for a, b in reversed(runs):
            if a <= 2.6 * em and rows[b:].mean() > 2 * rows[:a].mean() and box.top + b < bottom:
                top = box.top + b
                break
    return BBox(box.x0, top, box.x1, bottom)


def _split_photos_at_rules(photos: list[BBox], hrules: list[BBox], vrules: list[BBox], dpi: int) -> list[BBox]:
    """Two pictures side by side (or one above the other) with a column
    rule between them come out of the shade map as one: the rule shades the
    gutter too.  A rule that runs right through a picture (across its
    whole height or width) and leaves picture-sized parts (0.3 inch) either
    side cuts it in two."""
    out: list[BBox] = []
    todo = list(photos)
    side = 0.3 * dpi
    m = int(0.05 * dpi)  # (the gutter beside the rule stays white)
    while todo:
        p = todo.pop()
        cut = None
        for r in vrules:
            if (r.top <= p.top + 0.05 * p.height and r.bottom >= p.bottom - 0.05 * p.height
                    and r.x0 - p.x0 >= side and p.x1 - r.x1 >= side):
                cut = (BBox(p.x0, p.top, r.x0 - m, p.bottom), BBox(r.x1 + m, p.top, p.x1, p.bottom))
                break
        if cut is None:
            for r in hrules:
                if (r.x0 <= p.x0 + 0.05 * p.width and r.x1 >= p.x1 - 0.05 * p.width
                        and r.top - p.top >= side and p.bottom - r.bottom >= side):
                    cut = (BBox(p.x0, p.top, p.x1, r.top - m), BBox(p.x0, r.bottom + m, p.x1, p.bottom))
                    break
        if cut is None:
            out.append(p)
        else:
            todo.extend(cut)
    return sorted(out, key=lambda b: (b.top, b.x0))


def _mostly_text(binary: np.ndarray, box: BBox, em: float) -> bool:
    """Whether the ink in ``box`` is mostly glyph-sized pieces (0.3 to 1.6
    em tall) packed like text (at least one per 2.5 em² of the box)."""
    sub = binary[box.top:box.bottom, box.x0:box.x1]
    if sub.size == 0:
        return False
    n, _, stats = label_components(sub, connectivity=8)
    if n <= 1:
        return False
    hs, areas = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    glyph = (hs >= 0.3 * em) & (hs <= 1.6 * em)
    ink = float(areas.sum())
    glyph_share = float(areas[glyph].sum()) / ink if ink else 0.0
    density = glyph.sum() / max(1.0, box.area / (2.5 * em * em))
    return glyph_share > 0.6 and density > 1.0


def _tighten(box: BBox, binary: np.ndarray) -> BBox:
    """Trim rows and columns of sparse ink (a caption line caught by the
    closing) off the edges of a dense picture."""
    sub = binary[box.top:box.bottom, box.x0:box.x1] > 0
    rows = sub.mean(axis=1)
    cols = sub.mean(axis=0)

    def span(profile: np.ndarray) -> tuple[int, int]:
        ref = float(np.median(profile))
        dense = np.flatnonzero(profile >= 0.35 * ref) if ref > 0 else np.arange(profile.size)
        if dense.size == 0:
            return 0, profile.size
        return int(dense[0]), int(dense[-1]) + 1

    (r0, r1), (c0, c1) = span(rows), span(cols)
    return BBox(box.x0 + c0, box.top + r0, box.x0 + c1, box.top + r1)


def _split_type_changes(leaves: list[BBox], lines_of: list[list[BBox]], em: float,
                        ink: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[list[BBox], list[list[BBox]]]:
    """Split a leaf where its lines change from large type to body type: a
    one-column headline (and deck) set close above its body ends up in one
    leaf with it.  Lines of large type are over 1.25 times the body line
    height of the page and 1.1 times its tallest body lines, or bold; the split is made when the leaf starts with one to
    four of them followed by at least two body lines."""
    heights = sorted(lb.height for ls in lines_of for lb in ls)
    if not heights:
        return leaves, lines_of
    body = float(heights[len(heights) // 2])
    # large type stands above the tallest body lines: Latin lines with both
    # ascenders and descenders run a quarter taller than the median line
    tall = max(1.25 * body, 1.1 * float(heights[int(len(heights) * 0.9)]))
    # bold type (a one-column headline hardly larger than the body) by stroke
    stroke: dict[tuple[int, int, int, int], float] = {}
    body_stroke = 0.0
    if ink is not None:
        all_lines = [lb for ls in lines_of for lb in ls]
        widths = _stroke_widths(ink[0], ink[1], all_lines)
        stroke = {lb.as_tuple(): w for lb, w in zip(all_lines, widths)}
        body_stroke = float(np.median(widths)) if widths else 0.0
    out_l: list[BBox] = []
    out_ls: list[list[BBox]] = []
    for lf, ls in zip(leaves, lines_of):
        bold = [body_stroke > 0 and stroke.get(lb.as_tuple(), 0.0) > 1.35 * body_stroke for lb in ls]
        big = [lb.height > tall or b for lb, b in zip(ls, bold)]
        k = 0
        while k < len(ls) and big[k]:
            k += 1
        if 1 <= k <= 4 and len(ls) - k >= 2 and not any(big[k:]):
            head = BBox.enclosing(ls[:k])
            rest = BBox.enclosing(ls[k:])
            out_l += [BBox(lf.x0, lf.top, lf.x1, head.bottom), BBox(lf.x0, rest.top, lf.x1, lf.bottom)]
            out_ls += [ls[:k], ls[k:]]
        else:
            out_l.append(lf)
            out_ls.append(ls)
    return out_l, out_ls


def _ink_edge(text: np.ndarray) -> np.ndarray:
    """The edge of the ink: ink pixels (non-zero in ``text``) with a paper
    pixel (0) right above, below, left or right of them; the outside of the
    page counts as ink.  Exactly the pixels whose distance to the paper
    (``cv2.distanceTransform(text, cv2.DIST_L2, 3)``) is above 0 and below
    1.2 (one step across; a diagonal step is 1.37), without computing the
    distances (several times dearer)."""
    # (the least of the four neighbours is 0 where one is paper; the page
    # framed with ink for those outside it)
    framed = cv2.copyMakeBorder(text, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=255)
    least = cv2.min(cv2.min(framed[:-2, 1:-1], framed[2:, 1:-1]), cv2.min(framed[1:-1, :-2], framed[1:-1, 2:]))
    return (text > 0) & (least == 0)


def _stroke_widths(text: np.ndarray, edge: np.ndarray, boxes: list[BBox]) -> list[float]:
    """Mean stroke width (px) of the ink in each box: the ink's area (the
    non-zero pixels of ``text``) over half its edge (the pixels of
    :func:`_ink_edge`, next to the paper).  A stroke w pixels wide and L
    long has an area of w*L and 2*L edge pixels, so this is w for any width
    -- unlike the mean depth, which grows slower than the width and
    squeezes bold and regular type together on coarse scans.  Bold type
    has wider strokes."""
    out = []
    for b in boxes:
        area = int(np.count_nonzero(text[b.top:b.bottom, b.x0:b.x1]))
        n_edge = int(np.count_nonzero(edge[b.top:b.bottom, b.x0:b.x1]))
        out.append(2.0 * area / n_edge if n_edge else 0.0)
    return out


def _clear_of_rules(photo: BBox, hrules: list[BBox], vrules: list[BBox], m: int) -> BBox:
    """The picture's box without the rules along its edges (a frame line,
    within ``m`` of the edge): the rules stay free to cut the page."""
    def clear(lo: int, hi: int, r_lo: int, r_hi: int) -> tuple[int, int]:
        # (one axis: a rule over the low edge moves it past the rule, one
        # over the high edge moves that before it)
        if r_lo <= lo + m and r_hi > lo:
            lo = r_hi
        if r_hi >= hi - m and r_lo < hi:
            hi = r_lo
        return lo, hi

    x0, top, x1, bottom = photo.as_tuple()
    for r in hrules:
        if r.overlap_x(photo) > 0.5 * photo.width:
            top, bottom = clear(top, bottom, r.top, r.bottom)
    for r in vrules:
        if r.overlap_y(photo) > 0.5 * photo.height:
            x0, x1 = clear(x0, x1, r.x0, r.x1)
    return BBox(x0, top, x1, bottom) if x1 - x0 > 2 * m and bottom - top > 2 * m else photo


def _parts_of_one_picture(parts: list[BBox]) -> bool:
    """Whether the boxes fill the box around them all but for thin strips:
    the parts of one picture cut apart at a rule drawn through it."""
    return sum(p.area for p in parts) >= 0.92 * BBox.enclosing(parts).area


def _frames_photo(rule: BBox, photos: list[BBox], em: float) -> bool:
    """Whether ``rule`` is one side of a frame drawn round one of ``photos``.

    The rule lies along the picture's edge and runs no further than the
    picture does, both within 1.5 em (the frame's white margin, and the
    fitted box may stop short of a light edge of the picture); a rule
    running on past it is a rule of the page -- or the frame round several
    pictures side by side, when it runs no further than they do together.
    Pixels of the deskewed page.
    """
    g = int(round(1.5 * em))
    flat = rule.width >= rule.height
    # (a frame round several pictures side by side: their enclosing box)
    along_it = [p for p in photos
                if (abs(p.top - rule.top) <= g or abs(p.bottom - rule.bottom) <= g if flat
                    else abs(p.x0 - rule.x0) <= g or abs(p.x1 - rule.x1) <= g)
                and (p.overlap_x(rule) > 0 if flat else p.overlap_y(rule) > 0)]
    for p in photos + ([BBox.enclosing(along_it)] if len(along_it) > 1 else []):
        grown = BBox(max(0, p.x0 - g), max(0, p.top - g), p.x1 + g, p.bottom + g)
        if grown.contains(rule) and not _mostly_inside(rule, p):
            along = rule.width if flat else rule.height
            side = p.width if flat else p.height
            if along >= 0.5 * side:
                return True
    return False


def _mostly_inside(inner: BBox, outer: BBox) -> bool:
    inter = inner.intersection(outer)
    return inter is not None and inter.area >= 0.6 * max(1, inner.area)


def _merge_boxes(boxes: list[BBox]) -> list[BBox]:
    out = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                if out[i].intersection(out[j]) is not None:
                    out[i] = out[i].union(out[j])
                    del out[j]
                    changed = True
                    break
            if changed:
                break
    return out


# ---------------------------------------------------------------- XY-cut


@dataclass(frozen=True)
class _Cuts:
    em: float  # body em in reduced pixels
    smeared: np.ndarray  # the reduced mask closed along the lines (glyph gaps bridged)
    glyphs: np.ndarray  # the same without the bridging of large type's word spaces
    hrules: tuple[tuple[int, int, int, int], ...]  # reduced coords x0, y0, x1, y1
    vrules: tuple[tuple[int, int, int, int], ...]
    line_h: float  # typical height of a piece of a body line in ``glyphs`` (reduced pixels)
    photos: tuple[tuple[int, int, int, int], ...] = ()  # reduced coords x0, y0, x1, y1

    def opens_with_large_type(self, y0: int, y1: int, x0: int, x1: int) -> bool:
        """Whether the first 2.5 em of rows from ``y0`` (reduced, within
        ``y1``, columns ``x0``-``x1``) hold large type: the typical height
        of their pieces of lines, pictures left out, is 1.3 body lines or
        more.  (Only the first rows: a row of articles side by side leaves
        no white row right across under their headlines.)"""
        y1 = min(y1, y0 + int(2.5 * self.em))
        strip = self.glyphs[y0:y1, x0:x1].astype(np.uint8)
        for px0, py0, px1, py1 in self.photos:
            strip[max(0, py0 - y0):max(0, py1 - y0), max(0, px0 - x0):max(0, px1 - x0)] = 0
        # (nor what fills the strip top to bottom: a picture not found as one)
        n, labels, stats = label_components(strip, connectivity=8)
        tall = stats[:, cv2.CC_STAT_HEIGHT] >= strip.shape[0] - 1
        tall[0] = False
        if tall.any():
            strip = erase_components(strip, labels, stats, tall)
        return bool(strip.any()) and _piece_height(strip, self.em) >= 1.3 * self.line_h

    def large_type(self, box: tuple[int, int, int, int]) -> bool:
        """Whether the ink box ``box`` (reduced y0, y1, x0, x1) holds large
        type: the typical height of its pieces of lines is 1.3 body lines
        or more."""
        y0, y1, x0, x1 = box
        return _piece_height(self.glyphs[y0:y1, x0:x1], self.em) >= 1.3 * self.line_h

    def column_empty(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """Per reduced column of the box: no ink but a few stray dots (1% of
        the box's height: dust, broken rules)."""
        col_ink = self.smeared[y0:y1, x0:x1].sum(axis=0)
        return col_ink <= max(1.0, 0.01 * (y1 - y0))


def _runs(empty: np.ndarray) -> list[tuple[int, int]]:
    """Maximal runs of True in a 1-D bool array as (start, end)."""
    if empty.size == 0:
        return []
    d = np.diff(np.concatenate(([0], empty.astype(np.int8), [0])))
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return list(zip(starts.tolist(), ends.tolist()))


def _line_height(row_empty: np.ndarray, max_height: float = float("inf")) -> float:
    """Median height of the ink runs of a row profile (the local line height);
    runs taller than ``max_height`` (pictures) are left out."""
    runs = [b - a for a, b in _runs(~row_empty) if b - a <= max_height]
    return float(np.median(runs)) if runs else 0.0


def _piece_height(glyphs: np.ndarray, em: float) -> float:
    """Typical height of the pieces of lines in a mask closed along the
    lines (reduced pixels): the width-weighted median height of its
    connected components, pictures and specks left out.  Measured the same
    way on a band and on the whole page, it tells large type from body
    type for Latin and CJK alike.  Rows of body text in columns not aligned
    with each other fill a band as solidly as a line of large type would;
    the height of their pieces tells them apart."""
    _, _, stats = label_components(glyphs.astype(np.uint8), connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    ok = (hs >= 0.4 * em) & (hs <= 12 * em)
    if not ok.any():
        return 0.0
    hs, ws = hs[ok], ws[ok]
    order = np.argsort(hs)
    cum = np.cumsum(ws[order])
    return float(hs[order][int(np.searchsorted(cum, cum[-1] / 2))])


def _gutters(cuts: _Cuts, y0: int, y1: int, x0: int, x1: int) -> list[int]:
    """Centres of the white channels (0.7 em or wider) running down the
    whole of a box of the reduced page, between pieces 2.5 em or wider."""
    em = cuts.em
    empty = cuts.column_empty(y0, y1, x0, x1)
    w = x1 - x0
    xs = [x0 + (a + b) // 2 for a, b in _runs(empty) if a > 0 and b < w and b - a >= 0.7 * em]
    return _keep_wide_pieces(xs, x0, x1, 2.5 * em)


def _foot_of_headline(mask: np.ndarray, hgaps: list[tuple[int, int]], first: tuple[int, int],
                      band: tuple[int, int, int, int], y0: int, x0: int, x1: int, em: float) -> int:
    """Where to cut a headline band off the region under it (reduced rows,
    relative to ``y0``): in the middle of the gap ``first`` under the band,
    or further down past each deck centred under the headline -- a line or
    two of type a little larger than the body, narrower than the band (the
    headline's second line set well apart, then a deck under both).
    ``hgaps``: the region's white row gaps relative to ``y0``."""
    cut, above = (first[0] + first[1]) // 2, first
    while True:
        nxt = next(((a, b) for a, b in hgaps if a > above[0] and b - a >= 0.6 * em), None)
        deck = _trim(mask, y0 + above[1], y0 + nxt[0], x0, x1) if nxt is not None else None
        if nxt is None or deck is None or not _deck_under(mask, deck, band, em):
            return cut
        cut, above = (nxt[0] + nxt[1]) // 2, nxt


def _deck_under(mask: np.ndarray, deck: tuple[int, int, int, int], band: tuple[int, int, int, int],
                em: float) -> bool:
    """Whether the ink box ``deck`` (reduced y0, y1, x0, x1) is a deck of
    the headline ``band`` over it: at most 3 em tall, type at least 1.15
    body ems, centred under the band within an em, narrower than it."""
    return (deck[1] - deck[0] <= 3 * em
            and _line_height(~mask[deck[0]:deck[1], deck[2]:deck[3]].any(axis=1)) >= 1.15 * em
            and abs((deck[2] + deck[3]) - (band[2] + band[3])) / 2 <= em
            and deck[3] - deck[2] < band[3] - band[2])


def _column_end(mask: np.ndarray, cuts: _Cuts, y0: int, y1: int, x0: int, x1: int, gap: tuple[int, int],
                gutters: list[int]) -> bool:
    """Whether a white row band ``gap`` (reduced y) of a region is only
    where some columns ended: the ink above it crosses a gutter running
    down the whole region, the ink below it lies on one side of it, and
    what follows is no headline (large type opens a new article)."""
    above = _trim(mask, y0, gap[0], x0, x1)
    below = _trim(mask, gap[1], y1, x0, x1)
    if above is None or below is None:
        return False
    if not any(above[2] < g < above[3] and (below[3] <= g or below[2] >= g) for g in gutters):
        return False
    top = _top_band(mask, below[0], below[1], below[2], below[3], cuts.em) or below
    return not cuts.large_type(top)


def _top_band(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int, em: float) -> tuple[int, int, int, int] | None:
    """The ink of a box down to its first white gap of 0.6 em or more
    (reduced y0, y1, x0, x1), or None."""
    t = _trim(mask, y0, y1, x0, x1)
    if t is None:
        return None
    ty0, ty1, tx0, tx1 = t
    rows = mask[ty0:ty1, tx0:tx1].any(axis=1)
    gap = next(((a, b) for a, b in _runs(~rows) if b - a >= 0.6 * em), None)
    if gap is None:
        return None
    return _trim(mask, ty0, ty0 + gap[0], tx0, tx1)


def _centred_headline_gutters(mask: np.ndarray, cuts: _Cuts, y0: int, y1: int, x0: int, x1: int,
                              gutters: list[int]) -> list[int]:
    """Gutters to cut, leaving out those inside the columns a headline is
    centred over.

    A headline set centred over the columns of its article need not reach
    its outer columns: a short headline over five columns leaves the first
    of them uncovered, and the gutter beside that column runs from the top
    of the band to the bottom.  When a piece between gutters opens with a
    headline (large type) that is off the centre of its own piece by more
    than 2 em, and adding neighbouring pieces with no headline of their own
    that start below it brings the centre within 0.75 em, those pieces
    belong under the headline: the gutters between them are not cut here
    (the headline band is cut off first one level down).  A headline
    centred over its own piece takes headless pieces on both sides while it
    stays centred over them (a short headline over five columns covers the
    middle three): a headless column left of it would otherwise be read as
    the end of the article before."""
    em = cuts.em
    bounds = [x0] + sorted(gutters) + [x1]
    pieces = []  # (ink x0, ink x1, ink top, headline band or None)
    for a, b in zip(bounds, bounds[1:]):
        t = _trim(mask, y0, y1, a, b)
        if t is None:
            pieces.append(None)
            continue
        band = _top_band(mask, t[0], t[1], t[2], t[3], em)
        big = (band is not None and band[1] - band[0] <= 16 * em
               and cuts.large_type(band))
        pieces.append((t[2], t[3], t[0], band if big else None))
    drop: set[int] = set()  # indices into ``gutters`` (sorted) not to cut
    n = len(pieces)
    for k, pc in enumerate(pieces):
        if pc is None or pc[3] is None:
            continue
        band = pc[3]
        centre = (band[2] + band[3]) / 2
        centred = abs(centre - (pc[0] + pc[1]) / 2) <= 0.75 * em
        if not centred and abs(centre - (pc[0] + pc[1]) / 2) <= 2 * em:
            continue

        def headless(j: int, below: int = band[1]) -> bool:
            q = pieces[j]
            return q is not None and q[3] is None and q[2] >= below

        best: tuple[float, int, int] | None = None  # (sort key, first piece, last piece)
        lo = k
        while lo - 1 >= 0 and headless(lo - 1) and k - lo < 3:
            lo -= 1
        hi = k
        while hi + 1 < n and headless(hi + 1) and hi - k < 3:
            hi += 1
        for left in range(lo, k + 1):
            for right in range(k, hi + 1):
                if (left, right) == (k, k) or (centred and (left == k or right == k)):
                    continue
                span = (pieces[left][0] + pieces[right][1]) / 2  # type: ignore[index]
                off = abs(centre - span)
                # off centre: the best centred extension; centred on its own
                # piece: the widest extension on both sides that stays centred
                key = -(right - left) if centred else off
                if off <= 0.75 * em and (best is None or key < best[0]):
                    best = (key, left, right)
        if best is not None:
            drop.update(range(best[1], best[2]))  # gutter i lies between pieces i and i + 1
    return [g for i, g in enumerate(sorted(gutters)) if i not in drop]


def _keep_wide_pieces(cuts: list[int], x0: int, x1: int, min_width: float) -> list[int]:
    """Drop cuts that would leave a piece narrower than ``min_width`` (a
    column is several ems wide; narrower pieces are fragments of a line)."""
    kept: list[int] = []
    last = x0
    for c in sorted(cuts):
        if c - last >= min_width and x1 - c >= min_width:
            kept.append(c)
            last = c
    return kept


def _trim(mask: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> tuple[int, int, int, int] | None:
    sub = mask[y0:y1, x0:x1]
    rows = np.flatnonzero(sub.any(axis=1))
    cols = np.flatnonzero(sub.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return None
    return y0 + int(rows[0]), y0 + int(rows[-1]) + 1, x0 + int(cols[0]), x0 + int(cols[-1]) + 1


def _xycut(mask: np.ndarray, cuts: _Cuts, y0: int, y1: int, x0: int, x1: int, depth: int = 0) -> list[tuple[int, int, int, int]]:
    t = _trim(mask, y0, y1, x0, x1)
    if t is None:
        return []
    y0, y1, x0, x1 = t
    if depth > 40:
        return [t]
    em = cuts.em
    h, w = y1 - y0, x1 - x0

    def split_h(ys: list[int]) -> list[tuple[int, int, int, int]]:
        out: list[tuple[int, int, int, int]] = []
        bounds = [y0] + sorted(ys) + [y1]
        for a, b in zip(bounds, bounds[1:]):
            if b > a:
                out.extend(_xycut(mask, cuts, a, b, x0, x1, depth + 1))
        return out

    def split_v(xs: list[int]) -> list[tuple[int, int, int, int]]:
        out: list[tuple[int, int, int, int]] = []
        bounds = [x0] + sorted(xs) + [x1]
        for a, b in zip(bounds, bounds[1:]):
            if b > a:
                out.extend(_xycut(mask, cuts, y0, y1, a, b, depth + 1))
        return out

    def split_gutters(xs: list[int]) -> list[tuple[int, int, int, int]]:
        # a headline centred over columns it does not reach keeps the
        # gutters beneath it uncut; when that leaves none, its band (the
        # region's first lines) is cut off first, and its columns one level down
        kept = _centred_headline_gutters(mask, cuts, y0, y1, x0, x1, xs)
        if kept:
            return split_v(kept)
        rows = mask[y0:y1, x0:x1].any(axis=1)
        gap = next(((a, b) for a, b in _runs(~rows) if a > 0 and b < h and b - a >= 0.6 * em), None)
        if gap is None:
            return split_v(xs)
        return split_h([y0 + (gap[0] + gap[1]) // 2])

    # 1. printed rules crossing most of the region
    hr = [
        (ry0 + ry1) // 2
        for rx0, ry0, rx1, ry1 in cuts.hrules
        if y0 < (ry0 + ry1) // 2 < y1 and min(rx1, x1) - max(rx0, x0) >= 0.6 * w
    ]
    # a rule cuts only where no text line crosses its line beyond its ends
    # (a headline set across columns above the column rules)
    hr = [y for y in hr if not cuts.glyphs[y, x0:x1].any()]
    if hr:
        # a rule across part of the region only (over a picture and the
        # text beside it), with a gutter down the whole region beside its
        # end: the gutter parts the articles first
        # (rules right across the region cut first, one level up)
        spans = {(ry0 + ry1) // 2: (max(rx0, x0), min(rx1, x1)) for rx0, ry0, rx1, ry1 in cuts.hrules}
        full = _gutters(cuts, y0, y1, x0, x1)
        partial = [y for y in hr if any(spans[y][1] <= g or spans[y][0] >= g for g in full)]
        if partial and len(partial) < len(hr):
            return split_h([y for y in hr if y not in partial])
        beside = [g for g in full if all(spans[y][1] <= g or spans[y][0] >= g for y in hr)]
        if beside:
            return split_gutters(beside)
        return split_h(hr)
    vr_spans = [
        ((rx0 + rx1) // 2, ry0, ry1)
        for rx0, ry0, rx1, ry1 in cuts.vrules
        if x0 < (rx0 + rx1) // 2 < x1 and min(ry1, y1) - max(ry0, y0) >= 0.6 * h
    ]
    # (and beyond the rule's ends, no line of large type either: a headline
    # under the end of a column rule may have a gap between two glyphs just
    # there; the smeared mask bridges them)
    vr = [x for x, ry0, ry1 in vr_spans
          if not cuts.glyphs[y0:y1, x].any()
          and not cuts.smeared[y0:max(y0, ry0), x].any() and not cuts.smeared[min(y1, ry1):y1, x].any()]

    sub = mask[y0:y1, x0:x1]
    # columns are tested on the mask smeared along the lines, so the gaps
    # between the glyphs of a headline never pass for a gutter; a column with
    # a few stray dots (broken rules, dust) still counts as empty
    row_ink = sub.sum(axis=1)
    # (a picture is solid in the mask: its rows would set the reference so
    # high that the sparse rows of descenders and ascenders pass for white)
    text_ink = row_ink.astype(np.int64)
    for px0, py0, px1, py1 in cuts.photos:
        a, b = max(py0, y0), min(py1, y1)
        c = min(px1, x1) - max(px0, x0)
        if a < b and c > 0:
            text_ink[a - y0:b - y0] -= c
    text_ink = np.maximum(text_ink, 0)
    row_ref = (float(np.median(text_ink[text_ink > 0])) if text_ink.any()
               else float(np.median(row_ink[row_ink > 0])) if row_ink.any() else 0.0)
    col_empty = cuts.column_empty(y0, y1, x0, x1)
    row_empty = row_ink <= 0.02 * row_ref
    hgaps = [(a, b) for a, b in _runs(row_empty) if a > 0 and b < h]
    vgaps = [(a, b) for a, b in _runs(col_empty) if a > 0 and b < w]

    # a headline band on top of the region owns the columns beneath it: cut
    # it off first unless a rule or gutter of the body also runs through a
    # gap in the band (two articles side by side, each under its headline)
    first = next(((a, b) for a, b in hgaps if b - a >= 0.6 * em), None)
    if first is not None and h >= 2.5 * em:
        band = _trim(mask, y0, y0 + first[0], x0, x1)
        # (a band of headline lines is a few lines of large type; rows of
        # body text in columns not aligned with each other, beside a
        # picture, fill a tall band as solidly as large type would)
        if (band is not None and band[1] - band[0] <= 16 * em
                and _line_height(~mask[band[0]:band[1], band[2]:band[3]].any(axis=1)) >= 1.3 * em
                and cuts.large_type(band)):
            # gutters of the text right beneath the band (further down the
            # region may hold other articles on another grid)
            body_top = y0 + first[1]
            body_bottom = min(y1, body_top + int(8 * em))
            body_empty = cuts.smeared[body_top:body_bottom, x0:x1].sum(axis=0) <= max(1.0, 0.01 * (body_bottom - body_top))
            # (a column rule running down from the band into the body parts
            # it however short the rule is beside the whole region)
            crossing = [(rx0 + rx1) // 2 for rx0, ry0, rx1, ry1 in cuts.vrules
                        if x0 < (rx0 + rx1) // 2 < x1 and ry0 <= band[1] and ry1 >= body_top + em]
            separators = vr + crossing + [x0 + (a + b) // 2 for a, b in _runs(body_empty)
                                          if a > 0 and b < w and b - a >= 0.7 * em]
            # (the smeared mask bridges the band's word spaces, not the wider
            # space between two headlines side by side)
            band_ink = cuts.smeared[band[0]:band[1], :].any(axis=0)
            if not any(band[2] < g < band[3] and not band_ink[g] for g in separators):
                return split_h([y0 + _foot_of_headline(mask, hgaps, first, band, y0, x0, x1, em)])
    # a rule down the whole region cuts first; one down only part of it
    # (a band of articles below a wide gap) waits for the wide gaps
    vr_full = [
        (rx0 + rx1) // 2
        for rx0, ry0, rx1, ry1 in cuts.vrules
        if (rx0 + rx1) // 2 in vr and min(ry1, y1) - max(ry0, y0) >= 0.9 * h
    ]
    if vr_full:
        return split_v(vr_full)

    # a white gap that a column rule runs across is no boundary between
    # bands: the rule holds the rows either side of it together (a rule
    # that something crosses -- a picture over it -- holds nothing)
    holding = [(rx, ry0, ry1) for rx0, ry0, rx1, ry1 in cuts.vrules
               if x0 < (rx := (rx0 + rx1) // 2) < x1
               and not cuts.glyphs[max(y0, ry0):min(y1, ry1), rx].any()]
    hgaps = [(a, b) for a, b in hgaps if not any(ry0 <= y0 + a and ry1 >= y0 + b for _, ry0, ry1 in holding)]
    strong = [(y0 + a, y0 + b) for a, b in hgaps if b - a >= 1.5 * em]
    if strong:
        # a wide gap where only some columns ended (an article running on
        # beneath its picture in two columns, beside columns that ended
        # higher up) is no boundary between bands: the bands either side of
        # it stay together, and a gutter running down them separates the
        # articles
        keep = strong
        if h >= 2.5 * em:
            full = _gutters(cuts, y0, y1, x0, x1)
            ends = [gap for gap in strong if _column_end(mask, cuts, y0, y1, x0, x1, gap, full)] if full else []
            if ends:
                # (a gap that is no column end and opens a band of large type
                # -- the next row of articles -- still parts the bands first)
                new_rows = [(a + b) // 2 for a, b in strong if (a, b) not in ends
                            and cuts.opens_with_large_type(b, y1, x0, x1)]
                if new_rows:
                    return split_h(new_rows)
                return split_gutters(full)
            # no gutter down the whole region: look at the bands either side
            # of each gap alone
            mids = [y0] + [(a + b) // 2 for a, b in strong] + [y1]
            keep = [gap for i, gap in enumerate(strong)
                    if not _column_end(mask, cuts, mids[i], mids[i + 2], x0, x1, gap,
                                       _gutters(cuts, mids[i], mids[i + 2], x0, x1))] or strong
            # a region that opens with headlines side by side (the band
            # was not cut off above: a gutter runs through it) owns the
            # bands under them down to the next band that opens with large
            # type -- pictures, captions, body of the articles side by side,
            # whose gaps line up: the gutter between the articles cuts first
            if cuts.large_type((y0, keep[0][0], x0, x1)):
                ends = [g[0] for g in keep[1:]] + [y1]
                keep = [g for g, end in zip(keep, ends)
                        if (top := _top_band(mask, g[1], end, x0, x1, em) or _trim(mask, g[1], end, x0, x1)) is not None
                        and cuts.large_type(top)]
                if not keep:
                    full = _gutters(cuts, y0, y1, x0, x1)
                    if full:
                        return split_gutters(full)
                    keep = strong
        # a deck centred under a headline across a wide gap stays with it:
        # the cut moves from the gap over the deck to the one under it
        bounds = [y0] + [b for _, b in keep]
        cuts_at = []
        for i, (a, b) in enumerate(keep):
            above = _trim(mask, bounds[i], a, x0, x1)
            deck = _top_band(mask, b, y1, x0, x1, em)
            if (above is not None and deck is not None
                    and cuts.large_type(above)
                    and _deck_under(mask, deck, above, em)):
                cuts_at.append(deck[1] + 1)
            else:
                cuts_at.append((a + b) // 2)
        return split_h(cuts_at)
    if vr:
        return split_v(vr)
    if h >= 2.5 * em:
        # (the word spaces of large type are bridged in the smeared mask, so
        # a headline's words never pass for gutters)
        gutters = [x0 + (a + b) // 2 for a, b in vgaps if b - a >= 0.7 * em]
        # (a channel that is white only because a rule that type crosses --
        # left out of ``vr`` above -- was erased from the mask is no gutter)
        crossed = [x for x, _, _ in vr_spans if x not in vr]
        gutters = [g for g in gutters if not any(abs(g - x) <= em for x in crossed)]
        gutters = _keep_wide_pieces(gutters, x0, x1, 2.5 * em)
        if gutters:
            return split_gutters(gutters)
    weak_h = [y0 + (a + b) // 2 for a, b in hgaps if b - a >= 0.8 * em]
    if weak_h:
        return split_h(weak_h)
    return [t]


# ---------------------------------------------------------------- lines


def line_boxes(binary: np.ndarray, box: BBox, em: float) -> list[BBox]:
    """Text lines of a horizontal block by horizontal projection."""
    sub = binary[box.top:box.bottom, box.x0:box.x1]
    if sub.size == 0:
        return []
    prof = (sub > 0).sum(axis=1)
    # a row between two lines may hold a stroke or a neighbour's edge: it is
    # ink only with a fair share of a typical text row's ink
    ref = float(np.median(prof[prof > 0])) if prof.any() else 0.0
    floor = max(1, int(0.002 * sub.shape[1]))
    strict = [(a, b) for a, b in _runs(prof > max(floor, 0.06 * ref)) if b - a >= max(2, em * 0.15)]
    tall = sorted(b - a for a, b in strict if b - a >= 0.5 * em)
    typical = float(tall[len(tall) // 2]) if tall else em
    # a short line (the last of a paragraph: two glyphs) has rows of little
    # ink, a stem only, that pass for gaps against the block's full rows:
    # in a run of rows with ink that is narrower than the block, a row is
    # measured against what a row as wide as that run would hold
    width = sub.shape[1]
    runs: list[tuple[int, int]] = []
    for a, b in _runs(prof > floor):
        cols = np.flatnonzero(sub[a:b].any(axis=0))
        share = (cols[-1] + 1 - cols[0]) / width
        if share >= 0.6:
            runs.extend((p, q) for p, q in strict if a <= p and q <= b)
            continue
        local = prof[a:b] > max(floor, 0.06 * ref * share)
        runs.extend((a + p, a + q) for p, q in _runs(local) if q - p >= max(2, em * 0.15))
    out: list[BBox] = []
    for a, b in runs:
        cols = np.flatnonzero(sub[a:b].any(axis=0))
        out.append(BBox(box.x0 + int(cols[0]), box.top + a, box.x0 + int(cols[-1]) + 1, box.top + b))
    # merge pieces of one line (accents, dots of i/j, a line cut at a row of
    # little ink) while the result is no taller than a typical line
    merged: list[BBox] = []
    for k, lb in enumerate(out):
        # (a sliver nearer the line under it than the one over it -- the
        # sparse ascender rows of the next line -- goes with the next line)
        closer_below = (k + 1 < len(out) and merged and lb.height < em * 0.35
                        and out[k + 1].top - lb.bottom < lb.top - merged[-1].bottom)
        if merged and not closer_below:
            prev = merged[-1]
            joined = prev.union(lb)
            small = lb.height < em * 0.35 or prev.height < em * 0.35
            fits = min(lb.height, prev.height) < 0.75 * typical and joined.height <= 1.25 * typical
            near = lb.top - prev.bottom < max(em * 0.3, 0.3 * prev.height if small else 0.0)
            if near and (small or fits):
                merged[-1] = joined
                continue
        merged.append(lb)
    # a sliver left on its own (descenders of large type) is not a line
    return [lb for lb in merged if lb.height >= 0.3 * em]


def _extend_line_ends(regions: list[Region], ink: np.ndarray, em: float) -> list[Region]:
    """Give each text line back the thin glyphs at its ends.

    Lines and blocks are found on a mask without slivers, so a line loses a
    thin glyph at either end: a line-end hyphen or full stop, a CJK comma or
    full stop, an opening quote, a final l.  Cropped without them, the line
    is read without them (a hyphen comes out as "." or not at all, a CJK
    line loses its last comma).  Each line box is widened over ``ink`` (page
    pixels, every glyph, rules removed) while the ink continues within
    0.45 em of the line's end (1.2 em inside the region's own box), never
    into another region and never by more than 1.5 em beyond the box."""
    if not regions:
        return regions
    h, w = ink.shape
    reach, gap = int(em * 1.5), max(2, int(em * 0.45))
    # inside the region's own box a line's glyphs may stand an em apart:
    # a full-width comma leaves 0.6 em of white, and "二，" at the start of
    # a line is two slivers and a comma
    wide = max(gap, int(em * 1.2))
    others = [r.bbox for r in regions]
    out: list[Region] = []
    for idx, r in enumerate(regions):
        if not r.line_boxes or r.vertical:
            out.append(r)
            continue
        near = [ob for j, ob in enumerate(others) if j != idx and ob.overlap_y(r.bbox) > 0
                and ob.x0 < r.bbox.x1 + reach and ob.x1 > r.bbox.x0 - reach]
        new: list[BBox] = []
        for lb in r.line_boxes:
            lo, hi = max(0, min(lb.x0, r.bbox.x0) - reach), min(w, max(lb.x1, r.bbox.x1) + reach)
            for ob in near:
                if ob.overlap_y(lb) > 0:
                    if ob.x1 <= lb.x0:
                        lo = max(lo, ob.x1)
                    elif ob.x0 >= lb.x1:
                        hi = min(hi, ob.x0)
            cols = ink[lb.top:lb.bottom, lo:hi].any(axis=0)
            x0, x1 = lb.x0, lb.x1
            last = x1
            for x in range(lb.x1, hi):
                if cols[x - lo]:
                    last = x1 = x + 1
                elif x - last >= (wide if x < r.bbox.x1 else gap):
                    break
            last = x0
            for x in range(lb.x0 - 1, lo - 1, -1):
                if cols[x - lo]:
                    last = x0 = x
                elif last - x > (wide if x >= r.bbox.x0 else gap):
                    break
            new.append(BBox(x0, lb.top, x1, lb.bottom) if (x0, x1) != (lb.x0, lb.x1) else lb)
        bbox = BBox.enclosing([r.bbox] + new)
        out.append(replace(r, bbox=bbox, line_boxes=tuple(new)))
    return out


# ---------------------------------------------------------------- classify


def _columns(boxes: list[BBox], page_w: int, em: float) -> list[tuple[int, int]]:
    """Column extents from body boxes that are one column wide."""
    if not boxes:
        return [(0, page_w)]
    widths = sorted(b.width for b in boxes)
    unit = widths[len(widths) // 3] if widths else page_w
    singles = sorted((b for b in boxes if b.width <= unit * 1.4), key=lambda b: b.x0)
    cols: list[list[BBox]] = []
    for b in singles:
        if cols and abs(b.cx - np.mean([c.cx for c in cols[-1]])) < unit * 0.5:
            cols[-1].append(b)
        else:
            cols.append([b])
    return [(min(c.x0 for c in col), max(c.x1 for c in col)) for col in cols]


def _assign_columns(box: BBox, columns: list[tuple[int, int]]) -> tuple[int, int]:
    hits = [i for i, (a, b) in enumerate(columns) if min(b, box.x1) - max(a, box.x0) > 0.3 * (b - a)]
    if not hits:
        centre = box.cx
        i = int(np.argmin([abs((a + b) / 2 - centre) for a, b in columns]))
        return i, 1
    return hits[0], hits[-1] - hits[0] + 1


def classify(
    leaves: list[BBox],
    lines_of: list[list[BBox]],
    photos: list[BBox],
    page_w: int,
    page_h: int,
    hrules: list[BBox],
    sizes: list[float] | None = None,
    strokes: list[float] | None = None,
    xsizes: list[float] | None = None,
) -> list[Region]:
    """Give each leaf a kind.  ``sizes`` (font size per leaf, PDF path)
    replaces the measured line heights when given; ``strokes`` (mean stroke
    width per leaf, or 1.0/0.0 for bold/regular fonts) tells bold type."""
    heights: list[float] = []
    for i, ls in enumerate(lines_of):
        if sizes is not None:
            heights.append(sizes[i])
        elif ls:
            heights.append(float(np.median([lb.height for lb in ls])))
        else:
            heights.append(0.0)
    # body line height: the median over all lines (most lines are body text)
    all_h = [h for h, ls in zip(heights, lines_of) for _ in (ls or [None]) if h > 0]
    body_h = float(np.median(all_h)) if all_h else 0.0
    em = body_h or 20.0
    photo_set = {p.as_tuple() for p in photos}
    # type size by x-height (``xsizes``: median x-height per leaf): a line
    # box's height depends on which letters it holds (ascenders, descenders,
    # specks of noise); the x-height does not
    # (0 where unknown: the line heights decide alone)
    xr = [0.0] * len(leaves)
    if xsizes is not None:
        ref_x = [x for x, ls in zip(xsizes, lines_of) for _ in ls if x > 0]
        body_x = float(np.median(ref_x)) if ref_x else 0.0
        xr = [x / body_x if body_x and x > 0 else 0.0 for x in xsizes]
    bold = [False] * len(leaves)
    if strokes is not None:
        ref = [st for st, ls in zip(strokes, lines_of) if st > 0 and len(ls) >= 3]
        body_stroke = float(np.median(ref)) if ref else 0.0
        bold = [body_stroke > 0 and st >= 1.3 * body_stroke for st in strokes]
    # the rule under the running header: a full-width rule in the top 15%
    header_limit = -1
    # (the rule right across the page: the frame of a picture over several
    # columns near the top is no header rule)
    for r in hrules:
        if r.width > 0.8 * page_w and r.bottom < 0.15 * page_h:
            header_limit = max(header_limit, r.top)
    footer_limit = page_h + 1
    for r in hrules:
        if r.width > 0.8 * page_w and r.top > 0.88 * page_h:
            footer_limit = min(footer_limit, r.bottom)

    regions: list[Region] = []
    kinds: dict[int, BlockKind] = {}  # leaf index -> kind given so far

    def caption_of(photo: BBox, box: BBox) -> bool:
        # a caption is the first text under its picture, or runs on from it
        # (the next line, less than 1.5 lines' height below): text that
        # starts further below another block under the picture -- the
        # picture's caption -- is the article's body
        between = [j for j, q in enumerate(leaves) if q is not box and q.as_tuple() not in photo_set
                   and q.overlap_x(photo) > 0 and q.top >= photo.bottom - em * 0.5 and q.bottom <= box.top + em * 0.25]
        if not between:
            return True
        j = max(between, key=lambda j: leaves[j].bottom)
        line_h = float(np.median([lb.height for lb in lines_of[j]])) if lines_of[j] else em
        return kinds.get(j) == BlockKind.CAPTION and box.top - leaves[j].bottom <= 1.5 * line_h

    def leads_into(box: BBox) -> bool:
        # a deck or subhead leads into what follows it in its column (body,
        # a picture): the last lines of a column are no subhead, however
        # tall their line boxes (descenders, noise)
        return any(q is not box and 0 <= q.top - box.bottom <= 3 * em
                   and q.overlap_x(box) > 0.5 * min(q.width, box.width) for q in leaves)

    for i, (box, ls) in enumerate(zip(leaves, lines_of)):
        if box.as_tuple() in photo_set:
            regions.append(Region(box, BlockKind.PHOTO))
            continue
        kind = BlockKind.BODY
        if box.bottom <= header_limit and not (body_h and heights[i] >= 1.3 * body_h):
            kind = BlockKind.HEADER
        elif box.top >= footer_limit:
            kind = BlockKind.FOOTER
        elif body_h and heights[i] >= 1.35 * body_h and len(ls) <= 4:
            kind = BlockKind.HEADLINE
        elif body_h and (heights[i] >= 0.9 * body_h or xr[i] >= 0.9) and len(ls) <= 4 and bold[i]:
            # a one-column headline: no larger than the body, but bold
            kind = BlockKind.HEADLINE
        elif (body_h and heights[i] >= 1.15 * body_h and len(ls) <= 3 and i + 1 < len(leaves)
              and leads_into(box)):
            kind = BlockKind.SUBHEAD
        else:
            above = [p for p in photos if p.bottom <= box.top + em * 0.5 and box.top - p.bottom < 2.5 * em
                     and p.overlap_x(box) > 0.5 * min(p.width, box.width) and caption_of(p, box)]
            if above and len(ls) <= 4:
                kind = BlockKind.CAPTION
            elif 2 <= len(ls) <= 4 and body_h and heights[i] >= 0.9 * body_h and _centred(box, ls, leaves, lines_of, em):
                # a short block of lines set centred in its column is a headline
                # (one centred line may be a byline or a credit)
                kind = BlockKind.HEADLINE
        kinds[i] = kind
        regions.append(Region(box, kind, tuple(ls)))
    return regions


def _centred(box: BBox, ls: list[BBox], leaves: list[BBox], lines_of: list[list[BBox]], em: float) -> bool:
    """Whether the lines of ``box`` are centred in the column of body text
    below or above it (body = leaves of five lines or more)."""
    cols = [lf for lf, lls in zip(leaves, lines_of) if len(lls) >= 5 and lf.overlap_x(box) >= 0.8 * box.width]
    if not cols:
        return False
    col = min(cols, key=lambda c: abs(c.cy - box.cy))
    left, right = box.x0 - col.x0, col.x1 - box.x1
    if min(left, right) < 1.0 * em or abs(left - right) > 1.0 * em:
        return False
    centres = [lb.cx for lb in ls]
    return max(centres) - min(centres) <= 1.0 * em


def _word_gaps(text: np.ndarray, box: BBox) -> list[int]:
    """Widths of the white runs between words of one line (letter spacing,
    under a third of the line height, left out)."""
    cols = (text[box.top:box.bottom, box.x0:box.x1] > 0).any(axis=0)
    ink = np.flatnonzero(cols)
    if ink.size < 2:
        return []
    return [b - a for a, b in _runs(~cols) if a > ink[0] and b <= ink[-1] and b - a >= box.height / 3]


def _row_density(text: np.ndarray, box: BBox) -> np.ndarray:
    """Share of inked pixels in each row of the line in ``box``."""
    return (text[box.top:box.bottom, box.x0:box.x1] > 0).mean(axis=1)


def _x_height_core(text: np.ndarray, box: BBox) -> bool:
    """Whether the line in ``box`` is inked much more densely in its middle
    third than above and below it: lower-case Latin type (x-height letters,
    ascenders and descenders), not CJK glyphs or capitals."""
    rows = _row_density(text, box)
    n = len(rows)
    if n < 6:
        return False
    mid = float(rows[n // 3:2 * n // 3].mean())
    outer = float(np.concatenate([rows[:n // 3], rows[2 * n // 3:]]).mean())
    return mid > 1.4 * outer


def _x_height(text: np.ndarray, box: BBox) -> int:
    """Rows of the line in ``box`` inked at least half as densely as its
    dense core (the x-height band of Latin type, the body of CJK glyphs)."""
    rows = _row_density(text, box)
    if rows.size == 0 or rows.max() <= 0:
        return 0
    core = rows[rows > 0.25 * rows.max()]
    return int((rows >= 0.5 * np.median(core)).sum())


def _holds(h: BBox, b: BBox, em: float) -> bool:
    """Whether ``b`` lies inside ``h`` or is the next line right under it."""
    inter = h.intersection(b)
    if inter is not None and inter.area >= 0.8 * b.area:
        return True
    return 0 <= b.top - h.bottom < 1.0 * em and b.x0 >= h.x0 - 0.5 * em and b.x1 <= h.x1 + 0.5 * em


def _join_line_fragments(regions: list[Region], em: float) -> list[Region]:
    """Put back together short text leaves that are pieces of the same lines:
    a justified caption's wide word spaces can pass for a gutter in a region
    of one or two lines.  A leaf of at most three lines, narrower than half a
    column, whose lines share rows with the previous such leaf and stand less
    than 1.5 em from it, joins it."""
    widths = sorted(r.bbox.width for r in regions if r.kind == BlockKind.BODY and len(r.line_boxes) >= 5)
    if not widths:
        return regions
    col_w = float(widths[len(widths) // 2])
    small = (BlockKind.CAPTION, BlockKind.BODY)

    def fragment(r: Region) -> bool:
        return r.kind in small and bool(r.line_boxes) and len(r.line_boxes) <= 3

    def merge(a: Region, b: Region) -> Region:
        merged: list[BBox] = []
        for lb in sorted(a.line_boxes + b.line_boxes, key=lambda x: x.top):
            if merged and merged[-1].overlap_y(lb) >= 0.5 * min(merged[-1].height, lb.height):
                merged[-1] = merged[-1].union(lb)
            else:
                merged.append(lb)
        kind = BlockKind.CAPTION if BlockKind.CAPTION in (a.kind, b.kind) else a.kind
        return replace(a, kind=kind, bbox=a.bbox.union(b.bbox), line_boxes=tuple(merged))

    out: list[Region] = []
    joined: set[int] = set()  # indices in ``out`` built from fragments
    for r in regions:
        done = False
        if fragment(r):
            for k in range(len(out) - 1, max(-1, len(out) - 4), -1):
                a = out[k]
                if not fragment(a) and k not in joined:
                    continue
                if a.kind not in small or min(r.bbox.width, a.bbox.width) >= 0.5 * col_w:
                    continue
                same_row = any(r.line_boxes[0].overlap_y(lb) >= 0.7 * min(r.line_boxes[0].height, lb.height) for lb in a.line_boxes)
                beside = 0 <= r.bbox.x0 - a.bbox.x1 < 1.5 * em
                inside = k in joined and (inter := a.bbox.intersection(r.bbox)) is not None and inter.area >= 0.8 * r.bbox.area
                if (same_row and beside) or inside:
                    out[k] = merge(a, r)
                    joined.add(k)
                    done = True
                    break
        if not done:
            out.append(r)
    # a piece of the same lines set before its neighbours in reading order
    # (the second line's first word) lies inside the joined box: absorb it
    absorbed: set[int] = set()
    for i, r in enumerate(out):
        if i in joined or not fragment(r):
            continue
        host = next((k for k in joined if _holds(out[k].bbox, r.bbox, em)), None)
        if host is not None:
            out[host] = merge(out[host], r)
            absorbed.add(i)
    return [r for i, r in enumerate(out) if i not in absorbed]


#: word spaces of one line of type vary with the letters either side of
#: them: a gap up to this many times the typical one is still a word space
_WORD_SPACE_SLACK = 1.5


def _join_headline_pieces(regions: list[Region], text: np.ndarray | None = None,
                          vrules: list[BBox] | tuple[BBox, ...] = ()) -> list[Region]:
    """Put back together a headline (or a deck) that a gutter cut in two.

    A word space of large type can line up with a body gutter beneath it;
    the cut then leaves "Heat Wave" over one column and "Expected to Break"
    over the next, each first in its own subtree.  A later headline or
    subhead leaf on the same baseline, of the same size, closer than a word
    space of that size (0.75 of its line height; headlines of two articles
    side by side stand a gutter and more apart) is merged into the earlier
    one and takes its kind (the two pieces of a deck may be told apart by
    their widths alone), so the columns under both follow one headline.
    A column rule printed between them (``vrules``) parts them always."""
    out: list[Region] = []
    large = (BlockKind.HEADLINE, BlockKind.SUBHEAD)
    for r in regions:
        if r.kind in large and r.line_boxes:
            first = min(r.line_boxes, key=lambda lb: lb.top)
            lh = first.height
            for k in range(len(out) - 1, -1, -1):
                a = out[k]
                if a.kind not in large or not a.line_boxes:
                    continue
                last = max(a.line_boxes, key=lambda lb: lb.overlap_y(first))
                same_line = last.overlap_y(first) >= 0.7 * min(last.height, lh)
                gap = first.x0 - last.x1
                # no wider than the words of these lines are spaced: two
                # headlines side by side stand further apart than that
                words = (_word_gaps(text, last) + _word_gaps(text, first)) if text is not None else []
                spacing = _WORD_SPACE_SLACK * float(np.median(words)) + 2 if words else 0.75 * lh
                latin = text is not None and (_x_height_core(text, last) or _x_height_core(text, first))
                if not words and text is not None and not latin:
                    # square glyphs evenly dense top to bottom (CJK, or
                    # capitals): one headline's pieces stand a glyph gap
                    # apart, two headlines side by side nearly an em
                    spacing = 0.4 * lh
                # (descenders make one word's box up to ~40% taller than
                # another's; lines set without word spaces -- CJK -- have no
                # descenders: a size apart by more than 15% is another headline)
                similar = abs(last.height - lh) <= (0.45 if words or latin else 0.15) * max(last.height, lh)
                ruled = any(last.x1 - 2 <= (v.x0 + v.x1) / 2 <= first.x0 + 2 and v.overlap_y(first) > 0
                            for v in vrules)
                if same_line and similar and 0 <= gap < min(0.75 * lh, spacing) and not ruled:
                    rest = tuple(lb for lb in r.line_boxes if lb is not first)
                    boxes = tuple(lb for lb in a.line_boxes if lb is not last) + (last.union(first),) + rest
                    out[k] = replace(a, bbox=a.bbox.union(r.bbox), line_boxes=tuple(sorted(boxes, key=lambda b: b.top)))
                    break
            else:
                out.append(r)
            continue
        out.append(r)
    return out


# ---------------------------------------------------------------- drivers


def _word_spaces(gaps: list[int]) -> list[int]:
    """The word spaces among the gaps of one line of type: the upper of two
    clearly distinct sizes of gap (letters stand apart by the lower one).

    The gaps are split where the two groups are most distinct (Otsu's
    criterion on the sorted widths); the split counts only when both groups
    have two members or more and the upper group's smallest gap is at least
    twice the lower group's median.  Otherwise ``[]``: the line shows no
    word spacing of its own (CJK type, or too few gaps to tell)."""
    g = sorted(gaps)
    if len(g) < 4:
        return []
    best, cut = -1.0, 0
    for i in range(2, len(g) - 1):
        lo, hi = g[:i], g[i:]
        score = len(lo) * len(hi) * (float(np.mean(hi)) - float(np.mean(lo))) ** 2
        if score > best:
            best, cut = score, i
    lo, hi = g[:cut], g[cut:]
    if len(hi) < 2 or hi[0] < 2 * float(np.median(lo)):
        return []
    return hi


def _smear_large_type(small: np.ndarray, em: float) -> np.ndarray:
    """Bridge the gaps between the glyphs of large type (headlines) in
    proportion to their own size, so a headline is one piece even where its
    word spaces are wider than a body gutter."""
    n, labels, stats = label_components(small, connectivity=8)
    if n <= 1:
        return np.zeros_like(small)
    h = stats[:, cv2.CC_STAT_HEIGHT]
    w = stats[:, cv2.CC_STAT_WIDTH]
    fill = stats[:, cv2.CC_STAT_AREA] / np.maximum(1, w * h)
    # photos are solid in the mask and taller than any headline line (a
    # bold I, l or y is nearly solid too, but narrow)
    glyph = (fill < 0.8) | (w < 0.8 * h)
    big = (h >= 1.4 * em) & (h <= 6 * em) & glyph
    big[0] = False
    if not big.any():
        return np.zeros_like(small)
    size = float(np.median(h[big]))
    # the lower-case letters of the same headline lines are large type too:
    # glyphs clearly taller than body glyphs lying in the rows of big ones
    rows = np.zeros(small.shape[0], bool)
    for i in np.flatnonzero(big):
        rows[stats[i, cv2.CC_STAT_TOP]:stats[i, cv2.CC_STAT_TOP] + h[i]] = True
    cy = stats[:, cv2.CC_STAT_TOP] + h // 2
    # ... told from body glyphs beside them by their stroke width (large
    # type has thick strokes): the deepest point of each glyph
    dist = cv2.distanceTransform(small, cv2.DIST_L2, 3)
    depth = np.zeros(n, np.float32)
    # (over the ink only: paper is label 0 at distance 0, which the zeros
    # already hold; ``ufunc.at`` is slow per element)
    on = np.flatnonzero(small.ravel())
    np.maximum.at(depth, labels.ravel()[on], dist.ravel()[on])
    body_depth = float(np.median(depth[1:])) if n > 1 else 0.0
    thick = depth >= 1.6 * body_depth
    in_rows = rows[np.clip(cy, 0, small.shape[0] - 1)]
    mid = ((h >= max(1.1 * em, 0.5 * size)) | thick) & (h >= 0.6 * em) & (h <= 6 * em) & glyph & in_rows
    mid[0] = False
    mid = _in_line_with(stats, big, mid)
    mask = (big | mid)[labels].astype(np.uint8)
    out = np.zeros_like(mask)
    tops = stats[:, cv2.CC_STAT_TOP]
    for a, b in _runs(rows):
        # each band of large type is bridged by its own word spacing: a bit
        # more than its typical word gap (never more than 0.9 of its size),
        # so the wider space between two headlines side by side stays open
        in_band = big & (tops >= a) & (tops < b)
        size_z = float(np.percentile(h[in_band], 80)) if in_band.any() else size
        ink = mask[a:b].any(axis=0)
        cols = np.flatnonzero(ink)
        runs = [(g0, g1) for g0, g1 in _runs(~ink) if cols.size and g0 > cols[0] and g1 <= cols[-1]]
        gaps = [g1 - g0 for g0, g1 in runs]
        words = [g for g in gaps if g >= 0.15 * size_z]
        kz = 0.9 * size_z
        # letters of large type stand apart too: the word spaces are the
        # upper of the two sizes of gap (gaps wider than 0.8 of the type's
        # size are the room between headlines side by side, not spaces).
        # Only in a band that is one line of type: a taller band holds
        # decks and headlines side by side, whose gaps mix with the spaces
        one_line = b - a <= 1.5 * size_z
        spaces = _word_spaces([g for g in words if g <= 0.8 * size_z]) if one_line else []
        if spaces:
            kz = min(kz, _WORD_SPACE_SLACK * float(np.median(spaces)) + 1)
        elif len(words) >= 3:
            kz = min(kz, 1.3 * float(np.median(words)) + 1)
        else:
            # one or two wide gaps in a band are as likely the space
            # between two headlines side by side (CJK headlines have no
            # word spaces) as word spaces: bridge no more than a word space
            kz = min(kz, 0.45 * size_z)
        kz = max(1, int(round(kz)))
        out[a:b] = cv2.morphologyEx(mask[a:b], cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kz, 1)))
        # type set differently either side of a gap (two lines of a small
        # headline beside one line of a large one) is two headlines side
        # by side: the gap stays open
        reach = max(1, int(round(size_z)))
        for g0, g1 in runs:
            if g1 - g0 < kz and _type_differs(mask[a:b, max(0, g0 - reach):g0], mask[a:b, g1:g1 + reach]):
                out[a:b, g0:g1] = 0
    return out


def _in_line_with(stats: np.ndarray, big: np.ndarray, mid: np.ndarray) -> np.ndarray:
    """The components of ``mid`` that belong to a line of large type: set
    in the rows of a ``big`` glyph (half their height at least) and no
    further from it than half its size -- a word space of that type -- or
    from another such component (the lower-case words of a headline line,
    a chain of them).  A line of body text beside a headline, across a
    gutter, rises to the rows of the large type but stands further off."""
    pending = np.flatnonzero(mid & ~big)
    out = np.zeros(len(stats), bool)
    if not pending.size:
        return out
    x0, y0 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[:, cv2.CC_STAT_WIDTH], y0 + stats[:, cv2.CC_STAT_HEIGHT]
    front = np.flatnonzero(big)
    ref = (y1 - y0)[front].astype(np.float64)
    while front.size and pending.size:
        p, f = pending[:, None], front[None, :]
        gap = np.maximum(np.maximum(x0[f] - x1[p], x0[p] - x1[f]), 0)
        over = np.minimum(y1[p], y1[f]) - np.maximum(y0[p], y0[f])
        hit = (over >= 0.5 * (y1 - y0)[p]) & (gap <= 0.5 * ref[None, :])
        took = hit.any(axis=1)
        if not took.any():
            break
        # (the chain carries the size of the large type it started from)
        ref = np.where(hit[took], ref[None, :], 0).max(axis=1)
        front = pending[took]
        out[front] = True
        pending = pending[~took]
    return out


def _type_differs(left: np.ndarray, right: np.ndarray) -> bool:
    """Whether the ink either side of a gap in a band of large type is set
    differently: another number of lines, or lines of sizes more than two to
    one apart (the x-height words and the capitals of one Latin line stay
    within that)."""
    lr = [q - p for p, q in _runs(left.any(axis=1))]
    rr = [q - p for p, q in _runs(right.any(axis=1))]
    # (dots, accents and specks are no lines)
    least = 0.3 * max(lr + rr, default=0)
    lr, rr = [h for h in lr if h >= least], [h for h in rr if h >= least]
    if not lr or not rr:
        return False
    return len(lr) != len(rr) or min(max(lr), max(rr)) < 0.5 * max(max(lr), max(rr))


def _segment_mask(mask_full: np.ndarray, em: float, hrules: list[BBox], vrules: list[BBox],
                  photos: list[BBox] | None = None) -> tuple[list[BBox], int]:
    """XY-cut on a reduced copy of ``mask_full``; returns leaf boxes in page pixels."""
    h, w = mask_full.shape
    scale = max(1, int(em / 8)) if em > 0 else 4
    # a reduced cell is ink when a fair share of it is: isolated specks (noise,
    # JPEG ringing) vanish, while strokes fill their cells
    small = cv2.resize(mask_full, (max(1, w // scale), max(1, h // scale)), interpolation=cv2.INTER_AREA) > 40
    # rules are separators, not ink
    em_s = max(em / scale, 2.0)
    k = max(1, int(round(0.4 * em_s)))
    small_u8 = small.astype(np.uint8)
    glyphs = cv2.morphologyEx(small_u8, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    smeared = np.maximum(glyphs, _smear_large_type(small_u8, em_s))
    cuts = _Cuts(
        em=em_s,
        smeared=smeared.astype(bool),
        glyphs=glyphs.astype(bool),
        hrules=tuple((r.x0 // scale, r.top // scale, r.x1 // scale, r.bottom // scale) for r in hrules),
        vrules=tuple((r.x0 // scale, r.top // scale, r.x1 // scale, r.bottom // scale) for r in vrules),
        line_h=_piece_height(glyphs, em_s) or 1.2 * em_s,
        photos=tuple((p.x0 // scale, p.top // scale, -(-p.x1 // scale), -(-p.bottom // scale)) for p in photos or ()),
    )
    leaves = _xycut(small, cuts, 0, small.shape[0], 0, small.shape[1])
    out: list[BBox] = []
    for y0, y1, x0, x1 in leaves:
        box = BBox(x0 * scale, y0 * scale, min(w, x1 * scale), min(h, y1 * scale))
        # tighten to the ink at full resolution
        t = _trim(mask_full, box.top, box.bottom, box.x0, box.x1)
        if t is None:
            continue
        ty0, ty1, tx0, tx1 = t
        out.append(BBox(tx0, ty0, tx1, ty1))
    return out, scale


#: layout needs no more than this resolution; finer scans are analysed reduced
LAYOUT_DPI = 300


def analyze(prep: Prepared, page_number: int = 1) -> PageLayout:
    """Find rules, photos and text regions of a deskewed page.

    Pages scanned finer than :data:`LAYOUT_DPI` are analysed on a reduced
    copy and the boxes scaled back to the page's pixels."""
    if prep.dpi > LAYOUT_DPI * 1.3:
        f = LAYOUT_DPI / prep.dpi
        h, w = prep.binary.shape
        size = (max(1, int(w * f)), max(1, int(h * f)))
        small = replace(
            prep,
            gray=cv2.resize(prep.gray, size, interpolation=cv2.INTER_AREA),
            binary=(cv2.resize(prep.binary, size, interpolation=cv2.INTER_AREA) > 96).astype(np.uint8) * 255,
            shade=None if prep.shade is None else cv2.resize(prep.shade, size, interpolation=cv2.INTER_AREA),
            dpi=LAYOUT_DPI,
            em=prep.em * f,
        )
        lay = _analyze(small, page_number)
        up = 1.0 / f

        def sc(b: BBox) -> BBox:
            return BBox(int(b.x0 * up), int(b.top * up), min(w, int(b.x1 * up) + 1), min(h, int(b.bottom * up) + 1))

        return PageLayout(
            tuple(replace(r, bbox=sc(r.bbox), line_boxes=tuple(sc(lb) for lb in r.line_boxes)) for r in lay.regions),
            tuple(sc(b) for b in lay.rules),
            tuple(sc(b) for b in lay.photos),
            tuple((int(a * up), int(b * up)) for a, b in lay.columns),
            prep.em,
            lay.scale,
        )
    return _analyze(prep, page_number)


def _analyze(prep: Prepared, page_number: int) -> PageLayout:
    binary = prep.binary
    h, w = binary.shape
    em = prep.em or max(8.0, prep.dpi / 300 * 36)
    # pictures first: long dark runs inside a picture are not rules.  A
    # black-and-white scan has no grey to shade: its pictures are dense ink
    shade = None if prep.bilevel else prep.shade
    photos = find_photos(prep.gray, binary, em, shade, grow=0.06 * prep.dpi, dpi=prep.dpi)
    hrules, vrules = find_rules(binary, em, prep.dpi)
    hrules = [r for r in hrules if not any(_mostly_inside(r, p) for p in photos)]
    vrules = [r for r in vrules if not any(_mostly_inside(r, p) for p in photos)]
    photos = _split_photos_at_rules(photos, hrules, vrules, prep.dpi)
    if shade is not None:
        photos = fit_photos(prep.gray, photos, hrules, vrules, em, grow=0.06 * prep.dpi, dpi=prep.dpi)
    text = binary.copy()
    for r in hrules + vrules:
        cv2.rectangle(text, (r.x0, r.top), (r.x1 - 1, r.bottom - 1), 0, thickness=-1)
    # a frame drawn round a picture is part of the picture, not a rule that
    # parts the page: its foot would cut across the column beside the picture
    hrules = [r for r in hrules if not _frames_photo(r, photos, em)]
    vrules = [r for r in vrules if not _frames_photo(r, photos, em)]
    # ``ink``: every glyph, thin ones too (for the ends of the lines)
    ink, text = _clean_text(text, em)
    mask = text.copy()
    for p in photos:
        # a photo is one solid leaf for the XY-cut
        cv2.rectangle(mask, (p.x0, p.top), (p.x1 - 1, p.bottom - 1), 255, thickness=-1)
    leaves, scale = _segment_mask(mask, em, hrules, vrules, photos)
    # leaves that are photos keep the photo box
    fixed: list[BBox] = []
    for lf in leaves:
        ph = [p for p in photos if lf.intersection(p) is not None and lf.intersection(p).area > 0.5 * p.area]  # type: ignore[union-attr]
        if not ph:
            fixed.append(lf)
            continue
        # a caption set close under (or a line over) a picture ends up in the
        # picture's leaf: give the text its own leaf
        # (parts of a picture cut apart at a rule drawn through it make one
        # leaf, with no gutter between them: they are one picture again)
        p = ph[0]
        if len(ph) > 1 and _parts_of_one_picture(ph):
            p = BBox.enclosing(ph)
            photos = [q for q in photos if q not in ph] + [p]
        above = _trim(text, lf.top, p.top, lf.x0, lf.x1) if p.top - lf.top > em * 0.5 else None
        below = _trim(text, p.bottom, lf.bottom, lf.x0, lf.x1) if lf.bottom - p.bottom > em * 0.5 else None
        if above is not None:
            fixed.append(BBox(above[2], above[0], above[3], above[1]))
        fixed.append(p)
        if below is not None:
            fixed.append(BBox(below[2], below[0], below[3], below[1]))
    lines_of = [[] if lf in photos else line_boxes(text, lf, em) for lf in fixed]
    edge = _ink_edge(text)  # one edge map for both stroke measurements
    fixed, lines_of = _split_type_changes(fixed, lines_of, em, (text, edge))
    # (x-heights matter for short blocks; the body's is measured on a few
    # lines of each longer block)
    xsizes = [float(np.median([_x_height(text, lb) for lb in (ls if len(ls) <= 5 else ls[::len(ls) // 5][:5])]))
              if ls else 0.0 for ls in lines_of]
    regions = classify(fixed, lines_of, photos, w, h, hrules, strokes=_stroke_widths(text, edge, fixed), xsizes=xsizes)
    regions = _join_headline_pieces(regions, text, vrules)
    regions = _join_line_fragments(regions, em)
    regions = _extend_line_ends(regions, ink, em)
    body = [r.bbox for r in regions if r.kind == BlockKind.BODY]
    columns = _columns(body, w, em)
    regions = [replace(r, column=c, span=s) for r in regions for c, s in [_assign_columns(r.bbox, columns)]]
    return PageLayout(tuple(regions), tuple(hrules + vrules), tuple(photos), tuple(columns), em, scale)
