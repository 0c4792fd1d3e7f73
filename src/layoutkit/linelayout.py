"""Layout of pages whose text lines are already known (PDF text layer).

A scanned page only has ink, so :mod:`layoutkit.layout` cuts a raster mask.
A text-layer page knows every line exactly: its box, its font size and
weight.  Cutting a mask of those boxes loses that knowledge (a two-line
headline and the byline under it touch in the mask; staggered baselines of
two neighbouring articles hide the gutter between them), so here the
recursive XY-cut runs on the line boxes themselves.  The classification of
the resulting leaves (:func:`layoutkit.layout.classify`) and the column
assignment are the ones the scanned path uses.

Cut order in a region (the first rule that applies wins, then recursion):

1. a horizontal printed rule across most of the region that no line crosses;
2. a strong horizontal white gap across the whole region: at least 1.5 em,
   or at least 0.8 em when a headline starts right below it (a new row of
   articles under its headlines); when no such gap opens with a headline
   and a gutter runs through the whole region, the gutter is cut first
   (white between a caption and the body of one article is no new row);
   when some gaps open with a headline and others do not, only the first
   are cut here and the others are judged inside each row of articles;
3. a band of display type (headline, or a deck larger than the body) on top
   of the region that owns every column below it (no gutter of the body runs
   through a gap of the band);
4. vertical printed rules, then vertical white gutters (at least 0.5 em, no
   line crosses them, pieces at least 2 em wide);
5. weaker horizontal gaps (at least 0.8 em);
6. a change of type size between consecutive rows (headline over body,
   body over a smaller jump line or caption).

Coordinates are page pixels, top-left origin.  Vertical writing is cut in
its writing frame (page y along the line, page x reversed across it), so
columns of vertical text read right to left.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .layout import Region, _assign_columns, _columns, classify
from .model import BBox, Block, BlockKind, Line

#: a line at least this many times the body size is headline type
HEADLINE_RATIO = 1.3
#: consecutive rows whose sizes differ by more than this ratio go to different blocks
SIZE_STEP = 1.2
#: rows whose PDF font sizes differ by more than this ratio are in another type
STYLE_STEP = 1.02


@dataclass(frozen=True, slots=True)
class _Item:
    """A line or photo in the cutting frame.  ``size``: font size (pixels),
    0 for photos.  ``ref``: index into the caller's lines (-1 - i: photo i)."""

    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool
    ref: int


def _style_step(a: _Item, b: _Item) -> bool:
    """Rows ``a`` and ``b`` are set in different type: sizes differ by more
    than :data:`STYLE_STEP` (the PDF gives exact sizes, so a deck a point
    larger than the body is told from it) or one is bold and the other not
    (a one-column bold headline over its deck, a bold byline over the body)."""
    r = max(a.size, b.size) / max(1e-6, min(a.size, b.size))
    return r > STYLE_STEP or a.bold != b.bold


def _line_size(ln: Line) -> float:
    sizes = sorted(w.font_size for w in ln.words if w.font_size > 0)
    if sizes:
        return sizes[len(sizes) // 2]
    return float(ln.bbox.height)


def _line_bold(ln: Line) -> bool:
    n = sum(len(w.text) for w in ln.words)
    return n > 0 and 2 * sum(len(w.text) for w in ln.words if w.bold) > n


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _gaps(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """White runs between the merged ``intervals`` (not before or after them)."""
    merged = _merge(intervals)
    return [(a[1], b[0]) for a, b in zip(merged, merged[1:])]


class _Cutter:
    """Recursive XY-cut over line boxes (see the module doc)."""

    def __init__(self, em: float, hrules: list[tuple[float, float, float, float]],
                 vrules: list[tuple[float, float, float, float]]) -> None:
        self.em = em
        self.hrules = hrules
        self.vrules = vrules

    def is_head(self, it: _Item) -> bool:
        return it.size >= HEADLINE_RATIO * self.em

    def is_display(self, it: _Item) -> bool:
        """Headline or deck type: clearly larger than the body."""
        return it.size > SIZE_STEP * self.em

    def cut(self, items: list[_Item], depth: int = 0) -> list[list[_Item]]:
        if len(items) <= 1 or depth > 60:
            return [items]
        em = self.em
        x0, x1 = min(i.x0 for i in items), max(i.x1 for i in items)
        y0, y1 = min(i.top for i in items), max(i.bottom for i in items)
        w, h = x1 - x0, y1 - y0

        # 1. horizontal rules that no line crosses
        hr = sorted(
            (ry0 + ry1) / 2 for rx0, ry0, rx1, ry1 in self.hrules
            if y0 < (ry0 + ry1) / 2 < y1 and min(rx1, x1) - max(rx0, x0) >= 0.6 * w
        )
        hr = [y for y in hr if not any(i.top < y < i.bottom for i in items)]
        if hr:
            return self._split_h(items, hr, depth)

        hgaps = _gaps([(i.top, i.bottom) for i in items])
        vgaps = _gaps([(i.x0, i.x1) for i in items])
        if not hgaps and h <= 2.5 * max(i.size for i in items) + 1:
            return [items]  # one row (a running header, a line cut at a wide space)

        # 2. strong horizontal gaps
        strong_gaps = [
            (a, b) for a, b in hgaps
            if b - a >= 1.5 * em or (b - a >= 0.8 * em and self._head_below(items, b))
        ]
        strong = [(a + b) / 2 for a, b in strong_gaps]
        headed = [(a + b) / 2 for a, b in strong_gaps if self._head_below(items, b)]
        if headed and len(headed) < len(strong):
            # rows of articles first: the other gaps are judged inside each
            # row, where a gutter may run beside them top to bottom
            return self._split_h(items, headed, depth)
        if strong and not headed:
            # white between blocks of one article (a caption over the body,
            # a short article beside) is no row of articles: no headline
            # opens the part below, and a gutter runs top to bottom
            full = [(a + b) / 2 for a, b in vgaps if b - a >= 0.5 * em]
            if self._wide_pieces(items, full, 2.0 * em):
                strong = []
        if strong:
            return self._split_h(items, strong, depth)

        # 3. a headline band on top owns the columns beneath it
        first = next(((a, b) for a, b in hgaps if b - a >= 0.6 * em), None)
        if first is not None:
            band = [i for i in items if i.bottom <= first[0]]
            body = [i for i in items if i.top >= first[1]]
            if band and body and all(self.is_display(i) or i.ref < 0 for i in band) and any(i.ref >= 0 for i in band):
                bx0, bx1 = min(i.x0 for i in band), max(i.x1 for i in band)
                band_gaps = _gaps([(i.x0, i.x1) for i in band])
                seps = [(a + b) / 2 for a, b in _gaps([(i.x0, i.x1) for i in body]) if b - a >= 0.5 * em]
                seps += [(rx0 + rx1) / 2 for rx0, ry0, rx1, ry1 in self.vrules if ry1 > first[1] and ry0 < y1]
                through = any(bx0 < s < bx1 and any(a <= s <= b for a, b in band_gaps) for s in seps)
                if not through:
                    return self._split_h(items, [(first[0] + first[1]) / 2], depth)

        # 4. vertical rules, then gutters
        vr = sorted(
            (rx0 + rx1) / 2 for rx0, ry0, rx1, ry1 in self.vrules
            if x0 < (rx0 + rx1) / 2 < x1 and min(ry1, y1) - max(ry0, y0) >= 0.6 * h
        )
        vr = [x for x in vr if not any(i.x0 < x < i.x1 for i in items)]
        vr = self._centred_heads(items, vr)
        if vr:
            return self._split_v(items, vr, depth)
        gutters = [(a + b) / 2 for a, b in vgaps if b - a >= 0.5 * em]
        gutters = self._centred_heads(items, self._wide_pieces(items, gutters, 2.0 * em))
        if gutters:
            return self._split_v(items, gutters, depth)

        # 5. weaker horizontal gaps
        weak = [(a + b) / 2 for a, b in hgaps if b - a >= 0.8 * em]
        if weak:
            return self._split_h(items, weak, depth)

        # 6. type size changes between rows
        steps = self._size_steps(items, hgaps)
        if steps:
            return self._split_h(items, steps, depth)
        return [items]

    def _centred_heads(self, items: list[_Item], cuts: list[float]) -> list[float]:
        """Drop the vertical cuts that would part a headline from a column it
        is centred over.  A headline centred over its article's columns may
        be shorter than they are wide, leaving a gutter from top to bottom
        beside it.  The columns beside it whose tops have no display type
        (nor bold or larger type) of their own and start below the
        headline's top belong to it when the
        headline is centred (within half an em) over them together with its
        own piece, and it is not set flush with either edge of its own
        piece; of several such spans (a headline centred over five columns
        is centred over the middle three as well) the widest."""
        if not cuts:
            return cuts
        em = self.em
        bounds = [float("-inf"), *sorted(cuts), float("inf")]
        pieces = [[i for i in items if a <= (i.x0 + i.x1) / 2 < b] for a, b in zip(bounds, bounds[1:])]
        if any(not p for p in pieces):
            return cuts
        tops = [min(i.top for i in p) for p in pieces]
        ext = [(min(i.x0 for i in p), max(i.x1 for i in p)) for p in pieces]

        def heads(k: int) -> list[_Item]:
            """Lines at the top of piece ``k`` set in display type, or in
            any type other than the body's (a small bold headline)."""
            return [i for i in pieces[k] if i.ref >= 0 and i.top <= tops[k] + 0.5 * em
                    and (self.is_display(i) or i.bold or i.size > STYLE_STEP * em)]

        joined: set[int] = set()  # cut k lies between pieces k and k + 1
        for k in range(len(pieces)):
            hs = [i for i in heads(k) if self.is_head(i)]
            if not hs:
                continue
            hx0, hx1 = min(i.x0 for i in hs), max(i.x1 for i in hs)
            htop = min(i.top for i in hs)
            centre = (hx0 + hx1) / 2
            flush = max(2.0, 0.1 * em)
            if hx0 - ext[k][0] <= flush or ext[k][1] - hx1 <= flush:
                continue  # set flush with its column: not centred over a span

            best: tuple[int, int] | None = None
            lo = k
            while lo > 0 and not heads(lo - 1) and tops[lo - 1] >= htop:
                lo -= 1
            hi = k
            while hi < len(pieces) - 1 and not heads(hi + 1) and tops[hi + 1] >= htop:
                hi += 1
            for a in range(lo, k + 1):
                for b in range(k, hi + 1):
                    if (a, b) != (k, k) and abs(centre - (ext[a][0] + ext[b][1]) / 2) <= 0.5 * em and (
                            best is None or b - a > best[1] - best[0]):
                        best = (a, b)
            if best is not None:
                joined.update(range(best[0], best[1]))
        return [c for k, c in enumerate(sorted(cuts)) if k not in joined]

    def _head_below(self, items: list[_Item], y: float) -> bool:
        """A headline line starts within half an em below ``y``."""
        return any(self.is_head(i) and y <= i.top <= y + 0.5 * self.em for i in items)

    def _size_steps(self, items: list[_Item], hgaps: list[tuple[float, float]]) -> list[float]:
        """Gaps between rows whose type sizes differ by more than :data:`SIZE_STEP`."""
        lines = [i for i in items if i.ref >= 0]
        # ties: the first line in ``items`` order, on both sides
        by_bottom = [lines[k] for k in sorted(range(len(lines)), key=lambda k: (lines[k].bottom, -k))]
        by_top = sorted(lines, key=lambda i: i.top)
        bottoms = [i.bottom for i in by_bottom]
        tops = [i.top for i in by_top]
        out = []
        for a, b in hgaps:
            ka = bisect.bisect_right(bottoms, a)  # lines ending at or above the gap
            kb = bisect.bisect_left(tops, b)  # lines starting at or below it
            if ka == 0 or kb == len(tops):
                out.append((a + b) / 2)  # a photo above or below
                continue
            # the rows next to the gap
            if _style_step(by_bottom[ka - 1], by_top[kb]):
                out.append((a + b) / 2)
        return out

    @staticmethod
    def _wide_pieces(items: list[_Item], cuts: list[float], min_width: float) -> list[float]:
        """Keep cuts whose pieces (by their content) are at least ``min_width`` wide."""
        kept: list[float] = []
        for c in sorted(cuts):
            lo = kept[-1] if kept else float("-inf")
            left = [i for i in items if lo < i.x0 and i.x1 <= c]
            right = [i for i in items if i.x0 >= c]
            if not left or not right:
                continue
            lw = max(i.x1 for i in left) - min(i.x0 for i in left)
            rw = max(i.x1 for i in right) - min(i.x0 for i in right)
            if lw >= min_width and rw >= min_width:
                kept.append(c)
        return kept

    def _split_h(self, items: list[_Item], ys: list[float], depth: int) -> list[list[_Item]]:
        return self._split(items, ys, lambda i: (i.top + i.bottom) / 2, depth)

    def _split_v(self, items: list[_Item], xs: list[float], depth: int) -> list[list[_Item]]:
        return self._split(items, xs, lambda i: (i.x0 + i.x1) / 2, depth)

    def _split(self, items: list[_Item], cuts: list[float], centre: Callable[[_Item], float],
               depth: int) -> list[list[_Item]]:
        """Items grouped between consecutive ``cuts`` by their ``centre``
        (page points), each group cut further."""
        out: list[list[_Item]] = []
        bounds = [float("-inf"), *sorted(cuts), float("inf")]
        for a, b in zip(bounds, bounds[1:]):
            part = [i for i in items if a <= centre(i) < b]
            if part:
                out.extend(self.cut(part, depth + 1))
        return out


def segment_lines(
    lines: list[Line],
    width: int,
    height: int,
    dpi: int,
    rules: list[BBox],
    photos: list[BBox],
    page_number: int = 1,
    vertical: Sequence[bool] | None = None,
) -> list[Block]:
    """Group known text lines (PDF text layer) into blocks in reading order.

    ``lines``: page-pixel lines with ``Word.font_size`` (pixels) and
    ``Word.bold`` when the PDF gives them; ``rules``/``photos``: page-pixel
    boxes; ``vertical[i]`` is True for a top-to-bottom line (when most lines
    are vertical the page is cut in the vertical writing frame).  Headlines
    are told by font size and weight (:func:`layoutkit.layout.classify`).
    ``dpi`` is kept for the signature shared with the scanned path."""
    del dpi
    if not lines:
        return []
    vert_page = vertical is not None and 2 * sum(vertical) > len(lines)

    def frame(b: BBox) -> tuple[float, float, float, float]:
        if vert_page:
            return float(b.top), float(width - b.x1), float(b.bottom), float(width - b.x0)
        return float(b.x0), float(b.top), float(b.x1), float(b.bottom)

    items: list[_Item] = []
    for k, ln in enumerate(lines):
        items.append(_Item(*frame(ln.bbox), _line_size(ln), _line_bold(ln), k))
    for k, p in enumerate(photos):
        items.append(_Item(*frame(p), 0.0, False, -1 - k))
    sizes = sorted(it.size for it in items if it.ref >= 0)
    em = max(1.0, sizes[len(sizes) // 2])
    hrules: list[tuple[float, float, float, float]] = []
    vrules: list[tuple[float, float, float, float]] = []
    for r in rules:
        fr = frame(r)
        (hrules if fr[2] - fr[0] >= fr[3] - fr[1] else vrules).append(fr)
    leaves = _Cutter(em, hrules, vrules).cut(items)

    # photos are leaves of their own, whatever the cut left beside them
    groups: list[tuple[BBox, list[Line]]] = []
    for leaf in leaves:
        ls = [lines[i.ref] for i in leaf if i.ref >= 0]
        for i in leaf:
            if i.ref < 0:
                groups.append((photos[-1 - i.ref], []))
        if ls:
            groups.append((BBox.enclosing(ln.bbox for ln in ls), ls))
    boxes = [g[0] for g in groups]
    lines_of = [[ln.bbox for ln in g[1]] for g in groups]
    leaf_sizes = [_median([_line_size(ln) for ln in g[1]]) if g[1] else 0.0 for g in groups]
    # 2.0 for a leaf set mostly in a bold face, 1.0 otherwise (classify's
    # stroke-width ratio test then tells one-column bold headlines)
    strokes = [1.0 + float(2 * sum(_line_bold(ln) for ln in g[1]) > len(g[1])) if g[1] else 0.0 for g in groups]
    hr_page = [r for r in rules if r.width >= r.height]
    regions = classify(boxes, lines_of, photos, width, height, hr_page, sizes=leaf_sizes, strokes=strokes)
    regions = _second_captions(regions, em)
    regions = _opening_subheads(regions, groups, em)
    regions = _decks(regions, groups, em)
    body = [r.bbox for r in regions if r.kind == BlockKind.BODY]
    columns = _columns(body, width, em)
    blocks: list[Block] = []
    for r, (_, ms) in zip(regions, groups, strict=True):
        if r.kind != BlockKind.PHOTO and not ms:
            continue
        col, span = _assign_columns(r.bbox, columns)
        if vert_page:
            ordered = sorted(ms, key=lambda ln: (-ln.bbox.x1, ln.bbox.top))
        else:
            ordered = sorted(ms, key=lambda ln: (ln.bbox.top, ln.bbox.x0))
        blocks.append(Block(f"p{page_number}-b{len(blocks) + 1}", r.kind, r.bbox, tuple(ordered), col, span))
    return blocks


def _second_captions(regions: list[Region], em: float) -> list[Region]:
    """A caption sits right under its photo: a text leaf that
    :func:`layoutkit.layout.classify` called a caption because a photo ends
    a little above it, but with another text leaf in between (a byline under
    the caption), or further below it than another caption of the same
    photo (the first body lines of a column beside that caption), is body
    text."""
    out = list(regions)
    for k, r in enumerate(out):
        if r.kind != BlockKind.CAPTION:
            continue
        above = [p for p in regions if p.kind == BlockKind.PHOTO and p.bbox.bottom <= r.bbox.top + 1
                 and p.bbox.overlap_x(r.bbox) > 0]
        for p in sorted(above, key=lambda p: -p.bbox.bottom)[:1]:  # the nearest photo above
            between = any(
                o is not r and o.kind not in (BlockKind.PHOTO, BlockKind.RULE)
                and o.bbox.top >= p.bbox.bottom - 1 and o.bbox.bottom <= r.bbox.top + 1
                and o.bbox.overlap_x(r.bbox) > 0
                for o in regions
            )
            # a photo has one caption: the text nearest under it; a leaf
            # further down beside that caption starts the body
            nearer = any(
                o is not r and o.kind == BlockKind.CAPTION and o.bbox.overlap_x(p.bbox) > 0
                and p.bbox.bottom - 1 <= o.bbox.top < r.bbox.top - 0.5 * em
                for o in regions
            )
            if between or nearer:
                out[k] = Region(r.bbox, BlockKind.BODY, r.line_boxes)
                break
    return out


def _opening_subheads(regions: list[Region], groups: list[tuple[BBox, list[Line]]], em: float) -> list[Region]:
    """A subhead (a few lines of larger type, :func:`layoutkit.layout.classify`)
    that opens a column -- nothing above it in its column, or a white gap of
    at least 1.5 em (the space between articles), possibly with a kicker of
    one to three short lines in between -- is a one-column headline set
    small (a crosshead inside an article follows its body text at a
    paragraph's distance)."""
    out = list(regions)

    def above(r: Region) -> Region | None:
        cands = [o for o in regions if o is not r and o.bbox.bottom <= r.bbox.top + 1
                 and o.bbox.overlap_x(r.bbox) > 0.3 * min(o.bbox.width, r.bbox.width)]
        return max(cands, key=lambda o: o.bbox.bottom) if cands else None

    def opens(r: Region) -> bool:
        a = above(r)
        return a is None or r.bbox.top - a.bbox.bottom >= 1.5 * em or a.kind in (BlockKind.HEADER, BlockKind.RULE)

    for k, r in enumerate(regions):
        if r.kind != BlockKind.SUBHEAD:
            continue
        if opens(r):
            out[k] = Region(r.bbox, BlockKind.HEADLINE, r.line_boxes)
            continue
        a = above(r)
        if a is None or a.kind != BlockKind.BODY:
            continue
        ka = regions.index(a)
        ls = groups[ka][1]
        kicker = (0 < len(ls) <= 3 and r.bbox.top - a.bbox.bottom <= 1.5 * em
                  and all(ln.bbox.width < 0.85 * r.bbox.width for ln in ls) and opens(a))
        if kicker:
            out[k] = Region(r.bbox, BlockKind.HEADLINE, r.line_boxes)
    return out


def _decks(regions: list[Region], groups: list[tuple[BBox, list[Line]]], em: float) -> list[Region]:
    """Decks and kickers belong to the headline: a deck is one to three
    lines of larger, regular type right under a headline and within its
    width; a kicker is one to three short lines (each narrower than the
    headline) right above a headline and within its width.  Both are made
    headline blocks, so the article's headline carries them."""
    out = list(regions)
    for k in range(1, len(out)):
        prev, r = out[k - 1], out[k]
        ls = groups[k][1]
        if prev.kind != BlockKind.HEADLINE or r.kind not in (BlockKind.BODY, BlockKind.SUBHEAD) or not ls:
            continue
        size = _median([_line_size(ln) for ln in ls])
        near = 0 <= r.bbox.top - prev.bbox.bottom <= 2.0 * em
        inside = r.bbox.overlap_x(prev.bbox) >= 0.8 * r.bbox.width
        if len(ls) <= 3 and size > STYLE_STEP * em and near and inside and not any(_line_bold(ln) for ln in ls):
            out[k] = Region(r.bbox, BlockKind.HEADLINE, r.line_boxes)
    for k in range(len(out) - 1):
        r, nxt = out[k], out[k + 1]
        ls = groups[k][1]
        if nxt.kind != BlockKind.HEADLINE or r.kind not in (BlockKind.BODY, BlockKind.SUBHEAD) or not ls:
            continue
        size = _median([_line_size(ln) for ln in ls])
        near = 0 <= nxt.bbox.top - r.bbox.bottom <= 1.5 * em
        inside = r.bbox.overlap_x(nxt.bbox) >= 0.8 * r.bbox.width
        short = all(ln.bbox.width < 0.85 * nxt.bbox.width for ln in ls)
        # a kicker set in its own type (larger than the body, or bold) may be
        # wider than a headline broken into lines of large type (and stand
        # out beyond it), when it opens its column (the white between
        # articles above it)
        own = ((size > STYLE_STEP * em or all(_line_bold(ln) for ln in ls)) and _opens(regions, r, em)
               and r.bbox.overlap_x(nxt.bbox) >= 0.8 * min(r.bbox.width, nxt.bbox.width))
        if len(ls) <= 3 and size >= 0.95 * em and near and ((inside and short) or own):
            out[k] = Region(r.bbox, BlockKind.HEADLINE, r.line_boxes)
    return out


def _opens(regions: list[Region], r: Region, em: float) -> bool:
    """Nothing is printed above ``r`` in its column within 1.5 em (the white
    between two articles), or what is right above it is a rule or a running
    header."""
    cands = [o for o in regions if o is not r and o.bbox.bottom <= r.bbox.top + 1
             and o.bbox.overlap_x(r.bbox) > 0.3 * min(o.bbox.width, r.bbox.width)]
    if not cands:
        return True
    a = max(cands, key=lambda o: o.bbox.bottom)
    return r.bbox.top - a.bbox.bottom >= 1.5 * em or a.kind in (BlockKind.HEADER, BlockKind.RULE)


def _median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    if n == 0:
        return 0.0
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
