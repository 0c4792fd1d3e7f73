"""Region and separator ground truth: readers and matching against a layout.

Used to measure the page layout on real scans whose ground truth has region
geometry but (often) no text: PAGE XML (TextRegion / SeparatorRegion polygons,
ReadingOrder), ALTO (TextBlock / TextLine boxes), Pascal VOC boxes (NDL) and
W3C Web Annotation SVG polygons (ECPO).

Coordinates everywhere are integer pixels of the ground truth's own image,
top-left origin, as :class:`~layoutkit.model.BBox`; a reader takes a
``scale`` factor to map them onto a resized copy of that image (e.g. ``0.5``
when the page is analysed at half resolution, ``1 / 8`` for ALTO in
``inch1200`` units over a 150-dpi image).  Polygons are reduced to their
enclosing box: the regions measured here are (nearly) rectangular and the
separators thin, so the box loses little.

Matching rules (documented here once, used by ``scripts/eval_real_layout.py``):

* a ground-truth separator is **vertical** when its box is more than 5 times
  as tall as wide and taller than ``min_height`` (about an inch);
* it is **found** at a row ``y`` when one of our vertical rules lies within
  ``tol`` pixels of its centre line and covers ``y``, or when our regions
  imply the gutter there: one of our regions ends within ``tol`` of the
  separator on its left, another starts within ``tol`` on its right, both
  cover ``y``, and none of our regions crosses the separator at ``y``; it is
  found when such rows make up at least ``min_cover`` (0.5) of its height;
* a ground-truth region is **matched** when one of our regions has
  IoU >= 0.5 with it; it is **split** (over-segmented) when two or more of
  our regions each lie mostly inside it (at least half of the smaller box
  in the intersection) and each covers at least 5% of it; one of our
  regions **merges** (under-segmentation) when two or more ground-truth
  regions lie mostly inside it by the same rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree

from ..errors import BadInput, InputNotFound
from ..model import BBox


@dataclass(frozen=True, slots=True)
class GtRegion:
    """One ground-truth region: ``kind`` is the format's own label (PAGE
    region type such as ``paragraph``/``heading``/``separator``, ALTO
    ``TextBlock``/``TextLine``, a VOC class name, an ECPO category)."""

    id: str
    kind: str
    bbox: BBox


@dataclass(frozen=True, slots=True)
class GtPage:
    """Regions of one page.  ``width``/``height`` are the image size the
    coordinates refer to (after ``scale``); ``order`` holds region ids in
    reading order (empty when the format has none)."""

    width: int
    height: int
    text: tuple[GtRegion, ...]
    separators: tuple[GtRegion, ...] = ()
    graphics: tuple[GtRegion, ...] = ()
    lines: tuple[GtRegion, ...] = ()
    order: tuple[str, ...] = ()


# ---------------------------------------------------------------- readers


def _parse_xml(path: Path) -> etree._Element:
    if not path.is_file():
        raise InputNotFound(f"{path}: no such ground-truth file; check the path")
    try:
        return etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"{path}: not well-formed XML ({exc}); check the file") from None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _box_of_points(points: Iterable[tuple[float, float]], scale: float) -> BBox | None:
    pts = list(points)
    if not pts:
        return None
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1 = int(np.floor(min(xs) * scale)), int(np.ceil(max(xs) * scale))
    y0, y1 = int(np.floor(min(ys) * scale)), int(np.ceil(max(ys) * scale))
    return BBox(max(0, x0), max(0, y0), max(0, x0, x1), max(0, y0, y1))


def _page_points(text: str) -> list[tuple[float, float]]:
    out = []
    for pair in text.split():
        a, _, b = pair.partition(",")
        try:
            out.append((float(a), float(b)))
        except ValueError:
            continue
    return out


def read_page_xml(path: str | Path, scale: float = 1.0) -> GtPage:
    """Read a PAGE XML file (any schema year): text regions with their
    ``type``, separators, graphic/image regions, text lines and the reading
    order (``RegionRefIndexed`` by index, else ``RegionRef`` in document
    order).  Coordinates are multiplied by ``scale``."""
    p = Path(path)
    root = _parse_xml(p)
    if _local(root.tag) != "PcGts":
        raise BadInput(f"{p}: root element is {_local(root.tag)}, not PAGE PcGts; give a PAGE XML file")
    page = next((e for e in root.iter() if _local(e.tag) == "Page"), None)
    if page is None:
        raise BadInput(f"{p}: PAGE file without a Page element; check the file")
    width = int(round(float(page.get("imageWidth", "0")) * scale))
    height = int(round(float(page.get("imageHeight", "0")) * scale))
    text: list[GtRegion] = []
    seps: list[GtRegion] = []
    graphics: list[GtRegion] = []
    lines: list[GtRegion] = []
    for el in page.iter():
        name = _local(el.tag)
        if name not in ("TextRegion", "SeparatorRegion", "GraphicRegion", "ImageRegion", "TextLine"):
            continue
        coords = next((c for c in el if _local(c.tag) == "Coords"), None)
        if coords is None:
            continue
        box = _box_of_points(_page_points(coords.get("points", "")), scale)
        if box is None:
            continue
        rid = el.get("id", "")
        if name == "TextRegion":
            text.append(GtRegion(rid, el.get("type", "paragraph"), box))
        elif name == "SeparatorRegion":
            seps.append(GtRegion(rid, "separator", box))
        elif name == "TextLine":
            lines.append(GtRegion(rid, "line", box))
        else:
            graphics.append(GtRegion(rid, name, box))
    order: list[tuple[int, str]] = []
    ro = next((e for e in page.iter() if _local(e.tag) == "ReadingOrder"), None)
    if ro is not None:
        for n, e in enumerate(e for e in ro.iter() if _local(e.tag) in ("RegionRefIndexed", "RegionRef")):
            ref = e.get("regionRef")
            if ref:
                order.append((int(e.get("index", n)), ref))
    order_ids = tuple(r for _, r in sorted(order, key=lambda t: t[0]))
    return GtPage(width, height, tuple(text), tuple(seps), tuple(graphics), tuple(lines), order_ids)


def read_alto_boxes(path: str | Path, scale: float = 1.0) -> GtPage:
    """Read ALTO ``TextBlock`` (as text regions), ``TextLine`` (as lines),
    ``Illustration``/``GraphicalElement`` (as graphics) boxes; ALTO
    ``HPOS/VPOS/WIDTH/HEIGHT`` are multiplied by ``scale`` (``1/8`` for
    ``inch1200`` over a 150-dpi image).  Blocks come in document order."""
    p = Path(path)
    root = _parse_xml(p)
    if _local(root.tag) != "alto":
        raise BadInput(f"{p}: root element is {_local(root.tag)}, not ALTO; give an ALTO XML file")
    width = height = 0
    text: list[GtRegion] = []
    lines: list[GtRegion] = []
    graphics: list[GtRegion] = []
    for el in root.iter():
        name = _local(el.tag)
        if name == "Page":
            width = int(round(float(el.get("WIDTH", "0")) * scale))
            height = int(round(float(el.get("HEIGHT", "0")) * scale))
        if name not in ("TextBlock", "TextLine", "Illustration", "GraphicalElement"):
            continue
        try:
            x, y = float(el.get("HPOS", "")), float(el.get("VPOS", ""))
            w, h = float(el.get("WIDTH", "")), float(el.get("HEIGHT", ""))
        except ValueError:
            continue
        box = _box_of_points([(x, y), (x + w, y + h)], scale)
        if box is None:
            continue
        reg = GtRegion(el.get("ID", ""), name, box)
        {"TextBlock": text, "TextLine": lines}.get(name, graphics).append(reg)
    order = tuple(r.id for r in text)
    return GtPage(width, height, tuple(text), (), tuple(graphics), tuple(lines), order)


def read_voc_boxes(path: str | Path, scale: float = 1.0) -> GtPage:
    """Read Pascal VOC boxes (NDL layout dataset): every ``object`` becomes a
    region whose ``kind`` is its ``name`` (``8_textline``, ``6_headline``,
    …); text lines (names ending ``textline``) also fill ``lines``, the
    whole-page box ``1_overall`` is left out."""
    p = Path(path)
    root = _parse_xml(p)
    size = root.find("size")
    width = int(round(float(size.findtext("width", "0")) * scale)) if size is not None else 0
    height = int(round(float(size.findtext("height", "0")) * scale)) if size is not None else 0
    text: list[GtRegion] = []
    lines: list[GtRegion] = []
    graphics: list[GtRegion] = []
    for i, obj in enumerate(root.iter("object")):
        name = obj.findtext("name", "")
        bb = obj.find("bndbox")
        if bb is None or name.endswith("overall"):
            continue
        try:
            pts = [(float(bb.findtext("xmin", "")), float(bb.findtext("ymin", ""))),
                   (float(bb.findtext("xmax", "")), float(bb.findtext("ymax", "")))]
        except ValueError:
            continue
        box = _box_of_points(pts, scale)
        if box is None:
            continue
        reg = GtRegion(f"o{i}", name, box)
        if "illustration" in name or "stamp" in name or "table" in name:
            graphics.append(reg)
        else:
            text.append(reg)
            if name.endswith("textline"):
                lines.append(reg)
    return GtPage(width, height, tuple(text), (), tuple(graphics), tuple(lines))


_MATRIX = re.compile(r"matrix\(([^)]*)\)")
_NUM = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def _svg_box(svg: str, scale: float) -> BBox | None:
    """Box of the polygon or circle in an SVG selector, after the ``<g>``
    element's ``matrix(a b c d e f)`` transform (x' = a x + c y + e,
    y' = b x + d y + f)."""
    m = _MATRIX.search(svg)
    a, b, c, d, e, f = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if m:
        vals = [float(v) for v in _NUM.findall(m.group(1))]
        if len(vals) == 6:
            a, b, c, d, e, f = vals
    pts: list[tuple[float, float]] = []
    pm = re.search(r'points="([^"]*)"', svg)
    if pm:
        nums = [float(v) for v in _NUM.findall(pm.group(1))]
        pts = list(zip(nums[0::2], nums[1::2]))
    else:
        cm = re.search(r'<circle[^>]*cx="([^"]+)"[^>]*cy="([^"]+)"[^>]*r="([^"]+)"', svg)
        if cm:
            cx, cy, r = (float(v) for v in cm.groups())
            pts = [(cx - r, cy - r), (cx + r, cy + r), (cx - r, cy + r), (cx + r, cy - r)]
    return _box_of_points(((a * x + c * y + e, b * x + d * y + f) for x, y in pts), scale)


def read_web_annotations(path: str | Path, width: int, height: int, scale: float = 1.0) -> GtPage:
    """Read W3C Web Annotation JSON with SVG selectors (ECPO visual ground
    truth).  ``kind`` is the category name (``article``, ``additional`` =
    headline, ``advertisement``, ``image``); images go to ``graphics``.
    The format stores no image size, so ``width``/``height`` are given (in
    the pixels of the annotated image; ``scale`` applies to them too)."""
    p = Path(path)
    if not p.is_file():
        raise InputNotFound(f"{p}: no such ground-truth file; check the path")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInput(f"{p}: not valid JSON ({exc}); check the file") from None

    def walk(o: object) -> Iterable[dict]:
        if isinstance(o, dict):
            if o.get("type") == "Annotation":
                yield o
            for v in o.values():
                yield from walk(v)
        elif isinstance(o, list):
            for v in o:
                yield from walk(v)

    text: list[GtRegion] = []
    graphics: list[GtRegion] = []
    for ann in walk(data):
        try:
            kind = str(ann["body"][0]["value"]["name"])
            svg = str(ann["target"][0]["selector"]["value"])
        except (KeyError, IndexError, TypeError):
            continue
        box = _svg_box(svg, scale)
        if box is None or box.area == 0:
            continue
        reg = GtRegion(str(ann.get("id", "")), kind, box)
        (graphics if kind == "image" else text).append(reg)
    return GtPage(int(round(width * scale)), int(round(height * scale)), tuple(text), (), tuple(graphics))


# ---------------------------------------------------------------- separators


def is_vertical_separator(box: BBox, min_height: float) -> bool:
    """Tall and thin: more than 5x as tall as wide and taller than ``min_height`` px."""
    return box.height > 5 * box.width and box.height > min_height


@dataclass(frozen=True, slots=True)
class SeparatorMatch:
    """How one ground-truth separator was found: ``by_rule``/``by_gutter``
    /``covered`` are fractions of its height (``covered`` = either);
    ``crossed`` the fraction where one of our regions runs across it
    (columns merged)."""

    id: str
    bbox: BBox
    by_rule: float
    by_gutter: float
    covered: float
    crossed: float
    found: bool


def _cover_rows(mask: np.ndarray, top: int, a: int, b: int) -> None:
    a, b = max(a - top, 0), min(b - top, mask.size)
    if b > a:
        mask[a:b] = True


def match_separator(sep: BBox, rules: Sequence[BBox], regions: Sequence[BBox], tol: float,
                    min_cover: float = 0.5) -> SeparatorMatch:
    """Match one vertical ground-truth separator against our vertical rules
    and the gutters our regions imply (see the module docstring).  ``tol``
    is the horizontal tolerance in pixels."""
    cx = sep.cx
    n = max(1, sep.height)
    rule_rows = np.zeros(n, bool)
    for r in rules:
        if r.height > r.width and abs(r.cx - cx) <= tol:
            _cover_rows(rule_rows, sep.top, r.top, r.bottom)
    left = np.zeros(n, bool)
    right = np.zeros(n, bool)
    cross = np.zeros(n, bool)
    for g in regions:
        if g.x0 < cx - tol and g.x1 > cx + tol:
            _cover_rows(cross, sep.top, g.top, g.bottom)
        elif cx - tol - 0 <= g.x1 <= cx + tol and g.x0 < cx:
            _cover_rows(left, sep.top, g.top, g.bottom)
        elif cx - tol <= g.x0 <= cx + tol and g.x1 > cx:
            _cover_rows(right, sep.top, g.top, g.bottom)
    gutter = left & right & ~cross
    either = rule_rows | gutter
    covered = float(either.mean())
    return SeparatorMatch("", sep, float(rule_rows.mean()), float(gutter.mean()), covered,
                          float(cross.mean()), covered >= min_cover)


def match_separators(gt: Sequence[GtRegion], rules: Sequence[BBox], regions: Sequence[BBox],
                     page_width: int, min_height: float, tol_frac: float = 0.015,
                     min_cover: float = 0.5) -> list[SeparatorMatch]:
    """:func:`match_separator` for every vertical separator of ``gt``;
    ``tol_frac`` is the tolerance as a fraction of the page width."""
    tol = tol_frac * page_width
    out = []
    for s in gt:
        if not is_vertical_separator(s.bbox, min_height):
            continue
        m = match_separator(s.bbox, rules, regions, tol, min_cover)
        out.append(SeparatorMatch(s.id, m.bbox, m.by_rule, m.by_gutter, m.covered, m.crossed, m.found))
    return out


def implied_gutters(regions: Sequence[BBox], page_width: int, min_height: float,
                    max_gap_frac: float = 0.03, tol_frac: float = 0.015) -> list[GtRegion]:
    """Column gutters implied by ground-truth text regions side by side, for
    pages whose ground truth has no separator where the print has none.

    Two regions form a gutter piece where they overlap vertically by at least
    half the shorter one and the horizontal gap between them is between
    ``-0.5%`` (polygons drawn slightly overlapping) and ``max_gap_frac`` of
    the page width; the piece is a 2-px wide box at the middle of the gap
    over the vertical overlap.  Pieces within ``tol_frac`` of the page width
    of each other horizontally and less than ``min_height / 2`` apart
    vertically are joined; gutters shorter than ``min_height`` are dropped.
    """
    max_gap = max_gap_frac * page_width
    min_gap = -0.005 * page_width
    pieces: list[tuple[float, int, int]] = []
    for a in regions:
        for b in regions:
            if a is b or a.cx >= b.cx:
                continue
            gap = b.x0 - a.x1
            oy = a.overlap_y(b)
            if min_gap <= gap <= max_gap and oy >= 0.5 * min(a.height, b.height) and oy > 0:
                pieces.append(((a.x1 + b.x0) / 2.0, max(a.top, b.top), min(a.bottom, b.bottom)))
    tol = tol_frac * page_width
    groups: list[list[tuple[float, int, int]]] = []
    for p in sorted(pieces, key=lambda t: (t[0], t[1])):
        for g in groups:
            gx = float(np.median([q[0] for q in g]))
            top, bottom = min(q[1] for q in g), max(q[2] for q in g)
            if abs(p[0] - gx) <= tol and p[1] - bottom < min_height / 2 and top - p[2] < min_height / 2:
                g.append(p)
                break
        else:
            groups.append([p])
    out: list[GtRegion] = []
    for i, g in enumerate(groups):
        x = int(round(float(np.median([q[0] for q in g]))))
        top, bottom = min(q[1] for q in g), max(q[2] for q in g)
        if bottom - top >= min_height:
            out.append(GtRegion(f"gutter{i}", "gutter", BBox(max(0, x - 1), top, x + 1, bottom)))
    return out


# ---------------------------------------------------------------- regions


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """Text regions of one page against ours.  ``matched``: ground-truth
    regions with an IoU >= ``iou`` partner; ``coverage``: the share of the
    ground-truth area (union) inside our regions (union); ``precision``: the
    share of our area inside ground-truth regions; ``split``: ground-truth
    regions cut into several of ours; ``merging``: our regions holding
    several ground-truth regions, ``merged`` how many ground-truth regions
    they hold."""

    gt: int
    ours: int
    matched: int
    coverage: float
    precision: float
    split: int
    merging: int
    merged: int

    @property
    def matched_frac(self) -> float:
        return self.matched / self.gt if self.gt else 0.0


def _area_mask(boxes: Iterable[BBox], shape: tuple[int, int], f: float) -> np.ndarray:
    m = np.zeros(shape, bool)
    for b in boxes:
        m[int(b.top * f):int(np.ceil(b.bottom * f)), int(b.x0 * f):int(np.ceil(b.x1 * f))] = True
    return m


def _inside(small: BBox, big: BBox) -> float:
    inter = small.intersection(big)
    return inter.area / small.area if inter is not None and small.area else 0.0


def match_regions(gt: Sequence[BBox], ours: Sequence[BBox], width: int, height: int,
                  iou: float = 0.5) -> RegionMatch:
    """Compare ground-truth boxes with ours on a ``width`` x ``height`` page
    (rules in the module docstring).  Areas are measured on a grid of at most
    about 1000 px on the long side."""
    matched = sum(1 for g in gt if any(g.iou(o) >= iou for o in ours))
    split = 0
    for g in gt:
        parts = [o for o in ours if _inside(o, g) >= 0.5 and o.area >= 0.05 * g.area]
        split += len(parts) >= 2
    merging = merged = 0
    for o in ours:
        held = [g for g in gt if _inside(g, o) >= 0.5 and g.area >= 0.05 * o.area]
        if len(held) >= 2:
            merging += 1
            merged += len(held)
    f = min(1.0, 1000.0 / max(1, width, height))
    shape = (max(1, int(np.ceil(height * f))), max(1, int(np.ceil(width * f))))
    gm = _area_mask(gt, shape, f)
    om = _area_mask(ours, shape, f)
    inter = float((gm & om).sum())
    coverage = inter / float(gm.sum()) if gm.any() else 0.0
    precision = inter / float(om.sum()) if om.any() else 0.0
    return RegionMatch(len(gt), len(ours), matched, coverage, precision, split, merging, merged)


def line_recall(gt_lines: Sequence[BBox], our_lines: Sequence[BBox], iou: float = 0.5) -> float:
    """Share of ground-truth text lines with one of our lines at IoU >= ``iou``."""
    if not gt_lines:
        return 0.0
    return sum(1 for g in gt_lines if any(g.iou(o) >= iou for o in our_lines)) / len(gt_lines)


def reading_order_agreement(gt_in_order: Sequence[BBox], ours_in_order: Sequence[BBox]) -> tuple[float, int]:
    """Pairwise reading-order agreement: each ground-truth region is assigned
    the index of our region it overlaps most; over all pairs of ground-truth
    regions assigned to *different* regions of ours, the share whose order
    agrees.  Returns ``(agreement, pairs)``; agreement is 1.0 with no pairs."""
    idx: list[int] = []
    for g in gt_in_order:
        best, best_a = -1, 0
        for i, o in enumerate(ours_in_order):
            inter = g.intersection(o)
            if inter is not None and inter.area > best_a:
                best, best_a = i, inter.area
        idx.append(best)
    agree = pairs = 0
    for i in range(len(idx)):
        for j in range(i + 1, len(idx)):
            if idx[i] < 0 or idx[j] < 0 or idx[i] == idx[j]:
                continue
            pairs += 1
            agree += idx[i] < idx[j]
    return (agree / pairs if pairs else 1.0), pairs


__all__ = [
    "GtPage", "GtRegion", "RegionMatch", "SeparatorMatch", "implied_gutters", "is_vertical_separator",
    "line_recall",
    "match_regions", "match_separator", "match_separators", "read_alto_boxes", "read_page_xml",
    "read_voc_boxes", "read_web_annotations", "reading_order_agreement",
]
