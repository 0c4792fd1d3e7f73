"""Layout on real scans (``../shared/real``) and the region-matching helpers.

The helper tests use small hand-made inputs and always run.  The tests
marked ``real`` run preprocess + analyze on real pages (no OCR) and skip
when the folder of real scans is absent.  Their bounds come from
``scripts/eval_real_layout.py`` (``bench/real_layout.json``) with a margin;
failures known today are ``xfail`` with the reason, so a fix shows up as
XPASS.  Pages above 300 dpi are analysed at 300 dpi (as the script does).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import cv2
import pytest

from layoutkit.layout import PageLayout, analyze
from layoutkit.model import BBox, BlockKind
from layoutkit.preprocess import preprocess
from layoutkit.qa.regions import (
    implied_gutters,
    is_vertical_separator,
    line_recall,
    match_regions,
    match_separator,
    match_separators,
    read_alto_boxes,
    read_page_xml,
    read_voc_boxes,
    read_web_annotations,
    reading_order_agreement,
)
from layoutkit.sources import load_pages

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"


# ---------------------------------------------------------------- helpers (always run)


def test_vertical_separator_rule() -> None:
    assert is_vertical_separator(BBox(100, 0, 110, 700), min_height=600)
    assert not is_vertical_separator(BBox(100, 0, 110, 500), min_height=600)  # too short
    assert not is_vertical_separator(BBox(100, 0, 300, 700), min_height=600)  # too wide


def test_separator_found_by_rule_and_by_gutter() -> None:
    sep = BBox(495, 100, 505, 1100)
    # a rule of ours 10 px off, covering 60% of it
    m = match_separator(sep, [BBox(508, 100, 512, 700)], [], tol=20)
    assert m.found and m.by_rule == pytest.approx(0.6, abs=0.01)
    # a rule too far away or horizontal does not count
    assert not match_separator(sep, [BBox(540, 100, 544, 1100)], [], tol=20).found
    assert not match_separator(sep, [BBox(400, 500, 600, 504)], [], tol=20).found
    # two of our regions on either side over 70% of its length: the implied gutter
    left, right = BBox(100, 100, 490, 800), BBox(510, 100, 900, 800)
    m = match_separator(sep, [], [left, right], tol=20)
    assert m.found and m.by_gutter == pytest.approx(0.7, abs=0.01) and m.crossed == 0
    # only one side present: not found
    assert not match_separator(sep, [], [left], tol=20).found
    # a region of ours running across the separator cancels the gutter where it does
    across = BBox(100, 100, 900, 600)
    m = match_separator(sep, [], [left, right, across], tol=20)
    assert m.crossed == pytest.approx(0.5, abs=0.01) and m.by_gutter == pytest.approx(0.2, abs=0.01)
    assert not m.found


def test_match_separators_filters_and_scales_tolerance() -> None:
    from layoutkit.qa.regions import GtRegion

    gt = [GtRegion("v", "separator", BBox(495, 100, 505, 1100)), GtRegion("h", "separator", BBox(0, 50, 1000, 58))]
    ms = match_separators(gt, [BBox(510, 100, 514, 1100)], [], page_width=1000, min_height=300, tol_frac=0.015)
    assert [m.id for m in ms] == ["v"] and ms[0].found
    ms = match_separators(gt, [BBox(510, 100, 514, 1100)], [], page_width=1000, min_height=300, tol_frac=0.005)
    assert not ms[0].found


def test_implied_gutters_between_side_by_side_regions() -> None:
    # three columns of two stacked regions each; a wide heading over all of them
    cols = [(100, 390), (410, 700), (720, 1000)]
    regs = [BBox(a, t, b, t + 400) for a, b in cols for t in (200, 610)] + [BBox(100, 0, 1000, 150)]
    gut = implied_gutters(regs, page_width=1100, min_height=300)
    xs = sorted(g.bbox.cx for g in gut)
    assert xs == pytest.approx([400, 710], abs=2)
    assert all(g.bbox.top == 200 and g.bbox.bottom == 1010 for g in gut)
    # regions far apart make no gutter
    assert implied_gutters([BBox(0, 0, 100, 900), BBox(500, 0, 600, 900)], 1100, 300) == []


def test_match_regions_counts_split_and_merge() -> None:
    gt = [BBox(0, 0, 100, 100), BBox(0, 110, 100, 210), BBox(200, 0, 300, 210)]
    ours = [
        BBox(0, 0, 100, 210),  # merges the first two
        BBox(200, 0, 300, 70), BBox(200, 75, 300, 140), BBox(200, 145, 300, 210),  # split the third
    ]
    m = match_regions(gt, ours, 400, 300)
    assert m.matched == 0 and m.split == 1 and m.merging == 1 and m.merged == 2
    assert m.coverage > 0.95
    exact = match_regions(gt, gt, 400, 300)
    assert exact.matched == 3 and exact.split == 0 and exact.merging == 0
    assert exact.coverage == pytest.approx(1.0) and exact.precision == pytest.approx(1.0)
    assert match_regions(gt, [], 400, 300).coverage == 0.0


def test_line_recall_and_reading_order() -> None:
    lines = [BBox(0, y, 100, y + 10) for y in range(0, 100, 20)]
    assert line_recall(lines, lines) == 1.0
    assert line_recall(lines, [BBox(0, 0, 100, 100)]) == 0.0  # one merged blob finds no line
    a, b, c = BBox(0, 0, 10, 10), BBox(0, 20, 10, 30), BBox(0, 40, 10, 50)
    assert reading_order_agreement([a, b, c], [a, b, c]) == (1.0, 3)
    assert reading_order_agreement([a, b, c], [c, b, a]) == (0.0, 3)
    # all in one region of ours: no pairs to judge
    assert reading_order_agreement([a, b], [BBox(0, 0, 10, 50)]) == (1.0, 0)


def test_readers_on_small_files(tmp_path: Path) -> None:
    page = tmp_path / "p.xml"
    page.write_text(
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Page imageWidth="1000" '
        'imageHeight="2000"><ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="1" regionRef="b"/>'
        '<RegionRefIndexed index="0" regionRef="a"/></OrderedGroup></ReadingOrder>'
        '<TextRegion id="a" type="heading"><Coords points="10,10 200,10 200,50 10,50"/>'
        '<TextLine id="l1"><Coords points="10,10 200,10 200,50 10,50"/></TextLine></TextRegion>'
        '<TextRegion id="b"><Coords points="10,60 200,60 200,500 10,500"/></TextRegion>'
        '<SeparatorRegion id="s"><Coords points="300,10 310,10 312,1900 302,1900"/></SeparatorRegion>'
        '<GraphicRegion id="g1"><Coords points="400,400 600,400 600,600 400,600"/></GraphicRegion>'
        "</Page></PcGts>", encoding="utf-8")
    gt = read_page_xml(page, scale=0.5)
    assert (gt.width, gt.height) == (500, 1000)
    assert [r.kind for r in gt.text] == ["heading", "paragraph"] and gt.order == ("a", "b")
    assert gt.separators[0].bbox == BBox(150, 5, 156, 950)
    assert len(gt.lines) == 1 and len(gt.graphics) == 1

    alto = tmp_path / "a.xml"
    alto.write_text(
        '<alto xmlns="http://www.loc.gov/standards/alto/ns-v2#"><Layout><Page WIDTH="8000" HEIGHT="16000">'
        '<PrintSpace><TextBlock ID="TB1" HPOS="800" VPOS="1600" WIDTH="1600" HEIGHT="800">'
        '<TextLine ID="L1" HPOS="800" VPOS="1600" WIDTH="1600" HEIGHT="80"/></TextBlock>'
        "</PrintSpace></Page></Layout></alto>", encoding="utf-8")
    ga = read_alto_boxes(alto, scale=1 / 8)
    assert (ga.width, ga.height) == (1000, 2000)
    assert ga.text[0].bbox == BBox(100, 200, 300, 300) and ga.lines[0].bbox == BBox(100, 200, 300, 210)

    voc = tmp_path / "v.xml"
    voc.write_text(
        "<annotation><size><width>1600</width><height>1200</height></size>"
        "<object><name>1_overall</name><bndbox><xmin>0</xmin><ymin>0</ymin><xmax>1600</xmax><ymax>1200</ymax></bndbox></object>"
        "<object><name>8_textline</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>300</xmax><ymax>40</ymax></bndbox></object>"
        "<object><name>4_illustration</name><bndbox><xmin>400</xmin><ymin>20</ymin><xmax>600</xmax><ymax>400</ymax></bndbox></object>"
        "</annotation>", encoding="utf-8")
    gv = read_voc_boxes(voc)
    assert [r.kind for r in gv.text] == ["8_textline"] and len(gv.lines) == 1 and len(gv.graphics) == 1

    ann = tmp_path / "w.json"
    ann.write_text(json.dumps({"items": [
        {"type": "Annotation", "id": "x", "body": [{"value": {"name": "article"}}],
         "target": [{"selector": {"value": '<g transform="matrix(1 0 0 1 100 200)"><polygon points="-10,-20 10,-20 10,20 -10,20 "/></g>'}}]},
        {"type": "Annotation", "id": "y", "body": [{"value": {"name": "image"}}],
         "target": [{"selector": {"value": '<g transform="matrix(2 0 0 2 0 0)"><circle cx="50" cy="50" r="10"/></g>'}}]},
    ]}), encoding="utf-8")
    gw = read_web_annotations(ann, 1000, 800)
    assert gw.text[0].bbox == BBox(90, 180, 110, 220)
    assert gw.graphics[0].bbox == BBox(80, 80, 120, 120)


def test_readers_report_bad_files(tmp_path: Path) -> None:
    from layoutkit.errors import BadInput, InputNotFound

    with pytest.raises(InputNotFound):
        read_page_xml(tmp_path / "missing.xml")
    bad = tmp_path / "bad.xml"
    bad.write_text("<PcGts><Page", encoding="utf-8")
    with pytest.raises(BadInput):
        read_page_xml(bad)
    other = tmp_path / "other.xml"
    other.write_text("<alto/>", encoding="utf-8")
    with pytest.raises(BadInput):
        read_page_xml(other)


# ---------------------------------------------------------------- real pages

real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} (the folder of real scans) is not here")


@pytest.fixture(scope="module")
def layouts() -> dict[str, tuple[PageLayout, float, tuple[int, int]]]:
    """Cache of analysed pages: path -> (layout, factor applied, (h, w))."""
    return {}


def _analyse(cache: dict[str, Any], rel: str, max_dpi: int = 300) -> tuple[PageLayout, float, tuple[int, int]]:
    if rel not in cache:
        page = next(iter(load_pages(REAL / rel)))
        image, dpi, f = page.image, page.dpi, 1.0
        if page.dpi_known and dpi > max_dpi:
            f = max_dpi / dpi
            image = cv2.resize(image, (round(image.shape[1] * f), round(image.shape[0] * f)), interpolation=cv2.INTER_AREA)
            dpi = max_dpi
        prep = preprocess(image, dpi, dpi_known=page.dpi_known)
        cache[rel] = (analyze(prep), f, image.shape[:2])
    return cache[rel]


def _largest_text_frac(lay: PageLayout, shape: tuple[int, int]) -> float:
    h, w = shape
    return max((r.bbox.area for r in lay.regions if r.kind != BlockKind.PHOTO), default=0) / float(w * h)


def _headlines(lay: PageLayout) -> int:
    return sum(1 for r in lay.regions if r.kind == BlockKind.HEADLINE)


GBN_GOOD = "gbn/GT-PAGE/DerPionier_18880121-p02.png"


@real
@pytest.mark.real
@pytest.mark.slow
def test_gbn_four_column_page(layouts: dict[str, Any]) -> None:
    """4 columns with printed rules (measured: 5 columns found, 3/3 separators,
    largest region 15% of the page, 3 headlines)."""
    lay, f, (h, w) = _analyse(layouts, GBN_GOOD)
    assert len(lay.columns) >= 3
    assert _largest_text_frac(lay, (h, w)) < 0.35
    assert _headlines(lay) >= 1  # "Ausländische Rundschau", "Feuilleton."
    gt = read_page_xml((REAL / GBN_GOOD).with_suffix(".xml"), scale=f)
    seps = match_separators(gt.separators, lay.rules, [r.bbox for r in lay.regions], w, min_height=300)
    assert len(seps) == 3
    assert sum(m.found for m in seps) / len(seps) >= 0.66
    # and our regions do not run across the separators
    assert max(m.crossed for m in seps) < 0.4
    gut = implied_gutters([g.bbox for g in gt.text], w, min_height=300)
    gms = match_separators(gut, lay.rules, [r.bbox for r in lay.regions], w, min_height=300)
    assert gms and sum(m.found for m in gms) / len(gms) >= 0.6


@real
@pytest.mark.real
def test_gbn_page_without_rules_is_cut_into_columns(layouts: dict[str, Any]) -> None:
    rel = "gbn/GT-PAGE/Kolonie18630131-p04.png"
    lay, f, shape = _analyse(layouts, rel)
    assert _largest_text_frac(lay, shape) < 0.5
    assert len(lay.columns) >= 3


@real
@pytest.mark.real
def test_gbn_page_without_rules_does_not_crash(layouts: dict[str, Any]) -> None:
    lay, _, shape = _analyse(layouts, "gbn/GT-PAGE/Kolonie18630131-p04.png")
    assert lay.regions and all(0 <= r.bbox.x1 <= shape[1] and 0 <= r.bbox.bottom <= shape[0] for r in lay.regions)


@real
@pytest.mark.real
@pytest.mark.slow
def test_chronam_1920_front_page(layouts: dict[str, Any]) -> None:
    """7 columns, rules, a cartoon (measured: 17 column spans, 11 headlines,
    largest region 31%, 93% of the ALTO blocks' area covered)."""
    rel = "chronam/evening-star_1920-11-15_p1.jpg"
    lay, f, (h, w) = _analyse(layouts, rel)
    assert len(lay.columns) >= 4
    assert _headlines(lay) >= 4
    assert _largest_text_frac(lay, (h, w)) < 0.5
    gt = read_alto_boxes(REAL / rel.replace(".jpg", ".alto.xml"), scale=f / 8)
    assert abs(gt.width - w) <= 2 and abs(gt.height - h) <= 2  # the /8 mapping fits the JPEG
    m = match_regions([g.bbox for g in gt.text], [r.bbox for r in lay.regions if r.kind != BlockKind.PHOTO], w, h)
    assert m.coverage >= 0.8


@real
@pytest.mark.real
@pytest.mark.xfail(reason="columns still merged in places, so projected lines interleave (measured line recall 0.39)",
                   strict=False)
def test_chronam_1920_lines(layouts: dict[str, Any]) -> None:
    rel = "chronam/evening-star_1920-11-15_p1.jpg"
    lay, f, _ = _analyse(layouts, rel)
    gt = read_alto_boxes(REAL / rel.replace(".jpg", ".alto.xml"), scale=f / 8)
    ours = [lb for r in lay.regions for lb in r.line_boxes]
    assert line_recall([g.bbox for g in gt.lines], ours) >= 0.5


@real
@pytest.mark.real
@pytest.mark.parametrize("num", ["0017", "0020"])
def test_kant_single_column_no_crash(layouts: dict[str, Any], num: str) -> None:
    lay, f, shape = _analyse(layouts, f"kant-1784/INPUT_{num}.tif")
    assert lay.regions
    gt = read_page_xml(REAL / "kant-1784" / f"PAGE_{num}_PAGE.xml", scale=f)
    assert len(gt.order) >= 3


@real
@pytest.mark.real
def test_kant_headings_apart_and_in_order(layouts: dict[str, Any]) -> None:
    """Measured: 15 regions, 40 ground-truth region pairs in distinct regions
    of ours, all in order (before the pictures-first change of db4c989 the
    dark fore-edge was a full-height photo and the page one region)."""
    lay, f, shape = _analyse(layouts, "kant-1784/INPUT_0017.tif")
    gt = read_page_xml(REAL / "kant-1784" / "PAGE_0017_PAGE.xml", scale=f)
    by_id = {g.id: g.bbox for g in gt.text}
    ordered = [by_id[i] for i in gt.order if i in by_id]
    agree, pairs = reading_order_agreement(ordered, [r.bbox for r in lay.regions if r.kind != BlockKind.PHOTO])
    assert pairs >= 10 and agree >= 0.9


@real
@pytest.mark.real
@pytest.mark.parametrize("rel", ["ndl-japanese-layout/kindai/1029114_7.jpg", "ndl-japanese-layout/kotenseki/3508165_9.jpg"])
def test_ndl_book_spreads_no_crash(layouts: dict[str, Any], rel: str) -> None:
    lay, _, shape = _analyse(layouts, rel)
    assert lay.regions
    gt = read_voc_boxes((REAL / rel).with_suffix(".xml"))
    assert (gt.width, gt.height) == (shape[1], shape[0])


@real
@pytest.mark.real
@pytest.mark.parametrize("rel", [
    "ndl-japanese-layout/kindai/1029114_7.jpg",
    pytest.param("ndl-japanese-layout/kindai/1029114_8.jpg", marks=pytest.mark.xfail(
        reason="the dark book spine reaches the image edge and joins the left page into one region", strict=False)),
])
def test_ndl_kindai_lines(layouts: dict[str, Any], rel: str) -> None:
    """Measured on 1029114_7: largest region 4.5% of the spread, 83% of the
    ground-truth lines found (IoU >= 0.5)."""
    lay, _, shape = _analyse(layouts, rel)
    gt = read_voc_boxes((REAL / rel).with_suffix(".xml"))
    assert _largest_text_frac(lay, shape) < 0.5
    assert line_recall([g.bbox for g in gt.lines], [lb for r in lay.regions for lb in r.line_boxes]) >= 0.5


@real
@pytest.mark.real
@pytest.mark.slow
def test_ecpo_vertical_spread(layouts: dict[str, Any]) -> None:
    """Vertical Chinese, two pages side by side (measured: 84 regions, 31
    column spans, 19 headlines, 96% of the annotated area covered, 7 of 9
    pictures found, largest region 47%)."""
    rel = "ecpo-jingbao-1939/images/jb_3795_1939-04-21_0001+0004.jpg"
    lay, f, (h, w) = _analyse(layouts, rel)
    assert len(lay.regions) >= 20
    assert _headlines(lay) >= 3
    gt = read_web_annotations(REAL / "ecpo-jingbao-1939" / "visualGT" / "jb_3795_1939-04-21_0001+0004.json",
                              round(w / f), round(h / f), scale=f)
    m = match_regions([g.bbox for g in gt.text], [r.bbox for r in lay.regions if r.kind != BlockKind.PHOTO], w, h)
    assert m.coverage >= 0.85
    pics = [g.bbox for g in gt.graphics]
    hit = sum(1 for g in pics if any((i := g.intersection(p)) is not None and i.area >= 0.5 * min(g.area, p.area)
                                     for p in lay.photos))
    assert hit >= 0.5 * len(pics)


@real
@pytest.mark.real
@pytest.mark.xfail(reason="one region still covers about 40% of the spread (most of a printed page)", strict=False)
def test_ecpo_no_region_covers_a_printed_page(layouts: dict[str, Any]) -> None:
    rel = "ecpo-jingbao-1939/images/jb_3795_1939-04-21_0001+0004.jpg"
    lay, _, shape = _analyse(layouts, rel)
    assert _largest_text_frac(lay, shape) < 0.25
