"""Continuations across pages: jump lines ("下转第2版" / "上接第1版",
"(Continued on Page 2)" / "Continued from Page 1", "See FLOOD, Page 5" /
"FLOOD, from Page 1") recognised, taken out of the text and the two parts
joined into one article, in the text-only repair and in the pipeline.

The pipeline cases start from the real pages of the born-digital jump
fixtures (``fixtures/docs/*-jump-*.pdf``, no OCR) and move the jump lines
and the continuation where they sit on other pages: a block of their own, a
running header or footer, under a repeated headline, after other articles,
with OCR noise.  One test OCRs the scanned TIFF with the real Tesseract.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from layoutkit.articles import Jump, build_articles, pair_jumps, parse_jump, split_jump
from layoutkit.model import Article, BBox, Block, BlockKind, JoinKind, Line, Page
from layoutkit.textrepair import check_nothing_dropped, repair_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "fixtures" / "docs"
ZH, EN = "zh-jump-s1", "en-jump-s2"

pytestmark = pytest.mark.skipif(not (DOCS / f"{ZH}.pdf").is_file(), reason="jump fixtures not generated")


# --------------------------------------------------------------------------- parse_jump

@pytest.mark.parametrize(("text", "direction", "page", "keyword"), [
    ("下转第2版", "to", 2, ""),
    ("上接第1版", "from", 1, ""),
    ("（下转第２版）", "to", 2, ""),
    ("(转第5版)", "to", 5, ""),
    ("下 转 第 2 版", "to", 2, ""),  # OCR spaces between CJK characters
    ("下转第2版 |", "to", 2, ""),  # a stray mark at the line end
    ("〈上接第1版)", "from", 1, ""),  # mismatched brackets as OCR reads them
    ("上接笫一版", "from", 1, ""),  # 笫 for 第, Chinese numeral
    ("接第十二版", "from", 12, ""),
    ("下转A2版", "to", 2, ""),
    ("(Continued on Page 2)", "to", 2, ""),
    ("Continued on page 2.", "to", 2, ""),
    ("CONTINUED ON PAGE 2", "to", 2, ""),
    ("Contimued on Pagc 2", "to", 2, ""),  # two OCR errors
    ("(Continued on Page l)", "to", 1, ""),  # l for 1
    ("Cont. on P. 4", "to", 4, ""),
    ("Continued from Page 1", "from", 1, ""),
    ("Continued From Page One", "from", 1, ""),
    ("See FLOOD, Page 5", "to", 5, "FLOOD"),
    ("Please see BUDGET on A5", "to", 5, "BUDGET"),
    ("FLOOD, from Page 1", "from", 1, "FLOOD"),
    ("Flood, from Page 1", "from", 1, "FLOOD"),
    ("From Page 1", "from", 1, ""),
])
def test_parse_jump_recognises(text: str, direction: str, page: int, keyword: str) -> None:
    j = parse_jump(text)
    assert j is not None, text
    assert (j.direction, j.page, j.keyword, j.text) == (direction, page, keyword, text)


@pytest.mark.parametrize("text", [
    "第2版", "上接", "转发", "详见第2版", "我们接第1个电话", "本报讯（记者 赵一凡）",
    "他在第2版发表文章后转第二天出发",  # a sentence that mentions pages
    "Continued", "See Page 5", "See Page 5 for more", "Based on Page 2", "Details on Page 2",
    "Reports from Page 1", "See you on Page 2", "He was born on Page Street",
    "Continued on page 5 of the report.", "From the 2 pages", "Continued growth on Page Street",
    "",
])
def test_parse_jump_leaves_ordinary_text(text: str) -> None:
    assert parse_jump(text) is None


def test_pair_jumps_keywords_pages_and_evidence() -> None:
    to_flood = Jump("to", 5, "FLOOD", "See FLOOD, Page 5", on_page=1)
    to_tax = Jump("to", 5, "TAX", "See TAX, Page 5", on_page=1)
    from_tax = Jump("from", 1, "TAX", "TAX, from Page 1", on_page=5)
    from_flood = Jump("from", 1, "FLOOD", "FLOOD, from Page 1", on_page=5)
    assert sorted(pair_jumps([(1, to_flood), (2, to_tax)], [(10, from_tax), (11, from_flood)])) == [(1, 11), (2, 10)]
    # printed pages against input pages: "on Page 3" goes to input page 3, not 2
    to3 = Jump("to", 3, "", "下转第3版", on_page=1)
    to2 = Jump("to", 2, "", "下转第2版", on_page=1)
    on2 = Jump("from", 1, "", "上接第1版", on_page=2)
    on3 = Jump("from", 1, "", "上接第1版", on_page=3)
    assert sorted(pair_jumps([(1, to3), (2, to2)], [(5, on2), (9, on3)])) == [(1, 9), (2, 5)]
    # no page information: the text evidence decides
    a, b = Jump("to", 2, "", "下转第2版"), Jump("to", 2, "", "下转第2版")
    c, d = Jump("from", 1, "", "上接第1版"), Jump("from", 1, "", "上接第1版")
    fits = {(1, 20), (2, 10)}
    assert sorted(pair_jumps([(1, a), (2, b)], [(10, c), (20, d)],
                             lambda o, i: 1.0 if (o, i) in fits else 0.0)) == [(1, 20), (2, 10)]
    # contradicting keywords never pair; the same page never pairs
    assert pair_jumps([(1, to_flood)], [(2, from_tax)]) == []
    assert pair_jumps([(1, Jump("to", 2, "", "x", on_page=2))], [(2, Jump("from", 1, "", "y", on_page=2))]) == []


# --------------------------------------------------------------------------- text-only repair

def _text(stem: str, kind: str) -> str:
    return (DOCS / f"{stem}.{kind}.txt").read_text("utf-8")


def _move_continuation(src: str, jump_in: str, next_head: str) -> str:
    """The continuation (from its jump line to the next headline) moved to the end."""
    a = src.index(jump_in)
    b = src.index(next_head, a)
    return src[:a] + src[b:].rstrip("\n") + "\n\n\n" + src[a:b]


def _check(src: str, gt: str, jumps: int = 2) -> None:
    res = repair_text(src)
    assert res.text == gt
    assert check_nothing_dropped(src, res) == ""
    assert len(res.jumps) == jumps and all(j.linked for j in res.jumps)
    pages = [j for j in res.joins if j.kind == JoinKind.PAGE]
    assert len(pages) == jumps // 2
    for j in res.jumps:
        assert j.text not in res.text
        assert any(j.text in p.removed for p in pages)


@pytest.mark.parametrize("stem", [ZH, EN])
def test_text_fixture_repaired_exactly(stem: str) -> None:
    _check(_text(stem, "extracted"), _text(stem, "gt"))


def test_text_continuation_after_other_articles() -> None:
    _check(_move_continuation(_text(ZH, "extracted"), "上接第1版", "城市马拉松赛鸣枪开跑"), _text(ZH, "gt"))
    _check(_move_continuation(_text(EN, "extracted"), "Continued from Page 1", "Orchestra Announces"),
           _text(EN, "gt"))


def test_text_keywords_and_jump_heads() -> None:
    en, gt = _text(EN, "extracted"), _text(EN, "gt")
    kw = en.replace("(Continued on Page 2)", "See WEATHER, Page 2").replace("Continued from Page 1",
                                                                             "WEATHER, from Page 1")
    _check(kw, gt)
    _check(_move_continuation(kw, "WEATHER, from Page 1", "Orchestra Announces"), gt)
    # a repeated headline or a catch word above the "continued from" line is not text
    for head in ("Heat Wave Expected to Break by Weekend", "WEATHER"):
        src = en.replace("\n\nContinued from Page 1", f"\n\n{head}\n\nContinued from Page 1")
        _check(_move_continuation(src, f"{head}\n\nContinued", "Orchestra Announces"), gt)
        res = repair_text(src)
        assert any(head in j.removed for j in res.joins if j.kind == JoinKind.PAGE)


def test_text_ocr_noise_and_form_feed() -> None:
    zh, gt = _text(ZH, "extracted"), _text(ZH, "gt")
    _check(zh.replace("下转第2版", "（下转第 2 版）").replace("上接第1版", "上 接 笫1版"), gt)
    en = _text(EN, "extracted")
    _check(en.replace("(Continued on Page 2)", "(Continued on page 2.").replace(
        "Continued from Page 1", "Contimued from Pagc 1"), _text(EN, "gt"))
    a = zh.index("上接第1版")
    _check(zh[:a].rstrip("\n") + "\n\f\n" + zh[a:], gt)


def test_text_jump_lines_run_into_paragraphs() -> None:
    """An extractor that joins the lines of a block runs the jump line into the text."""
    zh = _text(ZH, "extracted").replace("同时积\n\n下转第2版", "同时积下转第2版").replace(
        "上接第1版\n\n极开拓", "（上接第1版）极开拓")
    _check(zh, _text(ZH, "gt"))
    en = _text(EN, "extracted").replace("higher ground\n\n(Continued on Page 2)", "higher ground (Continued on Page 2)")
    _check(en.replace("Continued from Page 1\n\nand to", "Continued from Page 1 and to"), _text(EN, "gt"))


@pytest.mark.parametrize("text", ["该报道已转第2版。", "他接第1版面的工作", "上接第1版",
                                  "The story was continued on page 2 of the magazine",
                                  "to higher ground See FLOOD, Page 5"])
def test_split_jump_leaves_sentences_whole(text: str) -> None:
    assert split_jump(text) == (None, text, None)


def test_text_two_jumps_paired_by_the_words_at_the_cut() -> None:
    """Two articles jump; their continuations come in the other order."""
    zh, gt = _text(ZH, "extracted"), _text(ZH, "gt")
    src = zh.replace("交通、住\n\n房等领域", "交通、住\n\n下转第2版@@房等领域")
    i, j = src.index("@@"), src.index("前三季度全市外贸")
    cont = src[i + 2:j].strip("\n")
    src = src[:i] + "\n\n\n" + src[j:]
    src = src.rstrip("\n") + "\n\n\n上接第1版\n\n" + cont + "\n"
    _check(src, gt, jumps=4)
    _check(_move_continuation(src, "上接第1版\n\n极开拓", "城市马拉松赛鸣枪开跑"), gt, jumps=4)


def test_text_unpaired_jump_removed_and_listed() -> None:
    zh = _text(ZH, "extracted")
    first_page = zh[: zh.index("上接第1版")]
    res = repair_text(first_page)
    assert "下转第2版" not in res.text and "积" in res.text
    assert [(j.text, j.linked) for j in res.jumps] == [("下转第2版", False)]
    assert res.articles[-1].jumps == ("下转第2版",)
    assert check_nothing_dropped(first_page, res) == ""


def test_repair_cli_json_lists_jumps(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from layoutkit.cli import cli

    out = tmp_path / "joins.json"
    r = CliRunner().invoke(cli, ["repair", str(DOCS / f"{EN}.extracted.txt"), "--json", str(out)])
    assert r.exit_code == 0, r.output
    assert r.output == _text(EN, "gt")
    doc = json.loads(out.read_text("utf-8"))
    assert [(j["text"], j["direction"], j["linked"]) for j in doc["jumps"]] == [
        ("(Continued on Page 2)", "to", True), ("Continued from Page 1", "from", True)]
    assert any(j["kind"] == "page" and "(Continued on Page 2)" in j["removed"] for j in doc["joins"])


# --------------------------------------------------------------------------- pipeline

def _nows(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _gt_continued(stem: str) -> dict:
    gt = json.loads((DOCS / f"{stem}.gt.json").read_text("utf-8"))
    return next(a for a in gt["articles"] if len(a["pages"]) > 1)


@pytest.fixture(scope="module")
def zh_pages() -> tuple[Page, ...]:
    from layoutkit.pipeline import convert_file

    return convert_file(DOCS / f"{ZH}.pdf").pages


def _continued(articles: list[Article], head: str) -> Article:
    found = [a for a in articles if head in _nows(a.text)]
    assert len(found) == 1, [a.headline for a in found]
    return found[0]


def _assert_whole(articles: list[Article], stem: str, jumps: int = 2) -> Article:
    """The continued article is one article, whole, with no jump text in any article."""
    x = _gt_continued(stem)
    cut = next(c for c in x["column_breaks"] if c["kind"] == "page")
    first, resumed = x["paragraphs"][0][:12], x["paragraphs"][cut["paragraph"]][cut["offset"]:][:16]
    a = _continued(articles, _nows(first))
    assert _continued(articles, _nows(resumed)) is a  # the text after the page cut
    assert a.pages == (1, 2)
    assert len(a.jumps) == jumps
    for b in articles:
        for j in x["jumps"]:
            assert _nows(j) not in _nows(b.text)
    if stem == ZH:
        assert _nows("".join(p.text for p in a.paragraphs)) == _nows("".join(x["paragraphs"]))
    return a


def _line_block(block: Block, line: Line, kind: BlockKind, suffix: str) -> Block:
    return Block(block.id + suffix, kind, line.bbox, (line,), block.column, 1)


def _retext(line: Line, text: str) -> Line:
    return replace(line, text=text, words=())


def _edit(pages: tuple[Page, ...], number: int, blocks: list[Block]) -> tuple[Page, ...]:
    return tuple(replace(p, blocks=tuple(blocks)) if p.number == number else p for p in pages)


def _find(page: Page, text: str) -> int:
    return next(i for i, b in enumerate(page.blocks) if any(_nows(text) == _nows(ln.text) for ln in b.lines))


def test_pdf_continued_article_is_one(zh_pages: tuple[Page, ...]) -> None:
    a = _assert_whole(build_articles(zh_pages), ZH)
    assert a.jumps == ("下转第2版", "上接第1版")
    page_joins = [j for j in a.joins if j.kind == JoinKind.PAGE]
    assert page_joins and "下转第2版" in page_joins[0].removed


def test_pdf_english_continued_article_is_one() -> None:
    from layoutkit.pipeline import convert_file

    doc = convert_file(DOCS / f"{EN}.pdf")
    _assert_whole(list(doc.articles), EN)


def test_jump_lines_as_blocks_headers_and_footers(zh_pages: tuple[Page, ...]) -> None:
    p1, p2 = zh_pages
    i, k = _find(p1, "下转第2版"), _find(p2, "上接第1版")
    b1, b2 = p1.blocks[i], p2.blocks[k]
    for kind_out, kind_in in ((BlockKind.JUMP, BlockKind.JUMP), (BlockKind.FOOTER, BlockKind.HEADER),
                              (BlockKind.BODY, BlockKind.CAPTION)):
        blocks1 = list(p1.blocks)
        blocks1[i:i + 1] = [replace(b1, lines=b1.lines[:-1]), _line_block(b1, b1.lines[-1], kind_out, "j")]
        blocks2 = list(p2.blocks)
        blocks2[k:k + 1] = [_line_block(b2, b2.lines[0], kind_in, "j"), replace(b2, lines=b2.lines[1:])]
        pages = _edit(_edit(zh_pages, 1, blocks1), 2, blocks2)
        _assert_whole(build_articles(pages), ZH)


def test_ocr_noise_in_jump_lines(zh_pages: tuple[Page, ...]) -> None:
    p1, p2 = zh_pages
    i, k = _find(p1, "下转第2版"), _find(p2, "上接第1版")
    b1, b2 = p1.blocks[i], p2.blocks[k]
    noisy1 = replace(b1, lines=(*b1.lines[:-1], _retext(b1.lines[-1], "（下转第 2 版）")))
    noisy2 = replace(b2, lines=(_retext(b2.lines[0], "上 接 笫 1 版"), *b2.lines[1:]))
    blocks1, blocks2 = list(p1.blocks), list(p2.blocks)
    blocks1[i], blocks2[k] = noisy1, noisy2
    a = _assert_whole(build_articles(_edit(_edit(zh_pages, 1, blocks1), 2, blocks2)), ZH)
    assert a.jumps == ("（下转第 2 版）", "上 接 笫 1 版")


def test_repeated_headline_and_continuation_after_other_articles(zh_pages: tuple[Page, ...]) -> None:
    p2 = zh_pages[1]
    k = _find(p2, "上接第1版")
    head = _gt_continued(ZH)["headline"]
    b2 = p2.blocks[k]
    line = Line(head, BBox(b2.bbox.x0, max(0, b2.bbox.top - 60), b2.bbox.x0 + 600, b2.bbox.top - 10))
    rep = Block("p2-bh", BlockKind.HEADLINE, line.bbox, (line,))
    cont = [b for b in p2.blocks[k:] if b.kind == BlockKind.BODY and b.bbox.bottom < 500]
    others = [b for b in p2.blocks if b not in cont and b.kind != BlockKind.HEADER]
    header = [b for b in p2.blocks if b.kind == BlockKind.HEADER]
    assert len(cont) >= 3 and others
    for blocks in ([*header, rep, *cont, *others], [*header, *others, rep, *cont], [*header, *others, *cont]):
        arts = build_articles(_edit(zh_pages, 2, blocks))
        a = _assert_whole(arts, ZH)
        assert a.text.count(head) == 1 and a.headline.replace(" ", "") == head.replace(" ", "")
        if rep in blocks:
            assert any(head in j.removed for j in a.joins if j.kind == JoinKind.PAGE)
        # the articles of page 2 keep their own text
        assert len(arts) == 5


def test_no_jump_lines_no_page_join(zh_pages: tuple[Page, ...]) -> None:
    """Without jump lines an article never runs on to the next page; an
    unpaired jump line is still taken out of the text."""
    p1, p2 = zh_pages
    i, k = _find(p1, "下转第2版"), _find(p2, "上接第1版")
    blocks1, blocks2 = list(p1.blocks), list(p2.blocks)
    blocks1[i] = replace(blocks1[i], lines=blocks1[i].lines[:-1])
    blocks2[k] = replace(blocks2[k], lines=blocks2[k].lines[1:])
    arts = build_articles(_edit(_edit(zh_pages, 1, blocks1), 2, blocks2))
    assert all(len(a.pages) == 1 for a in arts) and len(arts) == 6
    only_first = build_articles(zh_pages[:1])
    a = _continued(only_first, "业内专家分析认为")
    assert a.jumps == ("下转第2版",) and "下转" not in a.text


@pytest.mark.tesseract
def test_scanned_tiff_continued_article_is_one() -> None:
    """The scanned two-page TIFF through the real Tesseract (~20 s)."""
    from layoutkit.options import ConvertOptions
    from layoutkit.pipeline import convert_file

    doc = convert_file(DOCS / f"{ZH}.tif", ConvertOptions(languages="chi_sim+eng"))
    x = _gt_continued(ZH)
    cut = next(c for c in x["column_breaks"] if c["kind"] == "page")
    # anchors away from brackets and spaces, which OCR may read differently
    first = _nows(x["paragraphs"][0])[12:20]
    resumed = _nows(x["paragraphs"][cut["paragraph"]][cut["offset"]:])[:8]
    a = _continued(list(doc.articles), first)
    assert _continued(list(doc.articles), resumed) is a and a.pages == (1, 2)
    assert len(a.jumps) == 2
    assert not any(re.search(r"[下上][转接]第\s*\d\s*版", b.text) for b in doc.articles)


def test_keyword_jumps_with_a_catch_word_in_the_block() -> None:
    """"See WEATHER, Page 2" / "WEATHER, from Page 1" with the catch word
    "WEATHER" printed as a line above it, in the same block as the text."""
    from layoutkit.pipeline import convert_file

    pages = convert_file(DOCS / f"{EN}.pdf").pages
    p1, p2 = pages
    i, k = _find(p1, "(Continued on Page 2)"), _find(p2, "Continued from Page 1")
    b1, b2 = p1.blocks[i], p2.blocks[k]
    first = b2.lines[0]
    catch = Line("WEATHER", BBox(first.bbox.x0, max(0, first.bbox.top - 40), first.bbox.x0 + 150, first.bbox.top - 5))
    blocks1, blocks2 = list(p1.blocks), list(p2.blocks)
    blocks1[i] = replace(b1, lines=(*b1.lines[:-1], _retext(b1.lines[-1], "See WEATHER, Page 2")))
    blocks2[k] = replace(b2, lines=(catch, _retext(first, "WEATHER, from Page 1"), *b2.lines[1:]))
    arts = build_articles(_edit(_edit(pages, 1, blocks1), 2, blocks2))
    a = _assert_whole(arts, EN)
    assert a.jumps == ("See WEATHER, Page 2", "WEATHER, from Page 1")
    assert "WEATHER" not in a.text
    assert any("WEATHER" in j.removed.split("\n") for j in a.joins if j.kind == JoinKind.PAGE)
