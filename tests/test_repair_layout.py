"""Layout-based repair: blocks with real geometry -> headline, paragraphs, joins.

Pages are set by a small typesetter (the same texts and line breaking as
test_textrepair_columns) into columns of Blocks with word boxes in page
pixels: Chinese with 2-em first-line indents and justified lines, English
with 1-em indents, ragged right and line-end hyphens, and a block style
without indents where paragraphs are separated by a vertical gap.
"""

from __future__ import annotations

import pyphen
import pytest

from layoutkit.breaks import ends_sentence
from layoutkit.model import BBox, Block, BlockKind, JoinKind, Line, Word
from layoutkit.options import RepairOptions
from layoutkit.repair import assemble_article, despace_line
from layoutkit.repairmetrics import BreakScore, score
from test_textrepair_columns import EN_PAGE, ZH_PAGE, _typeset_en, _typeset_zh

EM = 40  # glyph size in pixels
PITCH = 60  # line pitch in pixels


def _words_zh(text: str, x: int, top: int, ocr_spaces: bool) -> tuple[str, list[Word]]:
    words = []
    for ch in text:
        if ch != " ":
            words.append(Word(ch, BBox(x, top, x + EM, top + EM), 90.0))
        x += EM
    line_text = " ".join(w.text for w in words) if ocr_spaces else text
    return line_text, words


def _words_en(text: str, x: int, top: int) -> tuple[str, list[Word]]:
    cw = EM // 2
    words = []
    for w in text.split(" "):
        words.append(Word(w, BBox(x, top, x + cw * len(w), top + EM), 90.0))
        x += cw * (len(w) + 1)
    return text, words


def _line(text: str, x: int, top: int, lang: str, ocr_spaces: bool = False) -> Line:
    t, words = _words_zh(text, x, top, ocr_spaces) if lang == "zh" else _words_en(text, x, top)
    return Line(t, BBox.enclosing(w.bbox for w in words), tuple(words), 90.0)


def _layout(article: tuple[str, list[str]], lang: str, width: int, height: int, style: str,
            ocr_spaces: bool = False, pages: int = 1) -> tuple[list[Block], str, list[int]]:
    """Blocks of one article set in columns of ``width`` characters and
    ``height`` lines.  ``style``: "indent" or "gap" (block paragraphs)."""
    headline, paras = article
    dic = pyphen.Pyphen(lang="en_US")
    col_w = width * (EM if lang == "zh" else EM // 2)
    blocks: list[Block] = []
    hl = _line(headline, 100, 100, lang)
    blocks.append(Block("p1-b1", BlockKind.HEADLINE, hl.bbox, (hl,)))
    indent = (2 * EM if lang == "zh" else EM) if style == "indent" else 0
    col, row = 0, 0
    cur: list[Line] = []
    breaks: list[int] = []
    offset = sum(c.isalnum() for c in headline)

    def flush() -> None:
        nonlocal cur
        if cur:
            n = len(blocks) + 1
            page = 2 if pages > 1 and col >= 2 else 1
            blocks.append(Block(f"p{page}-b{n}", BlockKind.BODY, BBox.enclosing(ln.bbox for ln in cur).union(
                BBox(cur[0].bbox.x0, cur[0].bbox.top, cur[0].bbox.x0 + col_w + indent, cur[0].bbox.top + EM)),
                tuple(cur)))
            cur = []

    gap_extra = 0
    for para in paras:
        if lang == "zh":
            # the indent takes two character cells of the first line
            lines = _typeset_zh("\u3000\u3000" + para if style == "indent" else para, width)
            lines[0] = lines[0].lstrip("\u3000")
        else:
            lines = _typeset_en(para, width - 2, dic)
        pos = offset
        for i, text in enumerate(lines):
            if row >= height:
                flush()
                col += 1
                row = 0
                gap_extra = 0
                if i:
                    breaks.append(pos)
            x0 = 100 + col * (col_w + 3 * EM) + (indent if i == 0 else 0)
            top = 300 + row * PITCH + gap_extra
            cur.append(_line(text, x0, top, lang, ocr_spaces))
            row += 1
            pos += sum(c.isalnum() for c in text)
        offset = pos
        if style == "gap":
            gap_extra += PITCH  # a blank line's worth between paragraphs
    flush()
    gt = "\n".join([headline, *paras])
    return blocks, gt, breaks


CASES = [(lang, w, h, style) for lang, widths in (("zh", (12, 16)), ("en", (30, 38)))
         for w in widths for h in (4, 6, 9) for style in ("indent", "gap")]


@pytest.mark.parametrize(("lang", "width", "height", "style"), CASES)
def test_articles_rebuilt(lang: str, width: int, height: int, style: str) -> None:
    page = ZH_PAGE if lang == "zh" else EN_PAGE
    total = BreakScore(0, 0, 0, 0, 0)
    for article in page:
        blocks, gt, breaks = _layout(article, lang, width, height, style)
        headline, paras, joins = assemble_article(blocks, RepairOptions())
        out = "\n".join([headline, *(p.text for p in paras)])
        s = score(gt, out, breaks)
        total = total + s
        if style == "indent":
            assert out == gt, joins
        cols = [j for j in joins if j.kind == JoinKind.COLUMN]
        assert all(j.left and j.right and j.left_ref != j.right_ref for j in cols)
    assert total.kept_rate == 1.0, total
    if style == "indent":
        assert total.repaired_rate == 1.0, total


def test_block_style_rates() -> None:
    """Without indents a column that ends exactly at a sentence end is
    ambiguous; all other breaks are repaired and all boundaries kept."""
    total = BreakScore(0, 0, 0, 0, 0)
    inside = BreakScore(0, 0, 0, 0, 0)
    for lang, w, h, style in CASES:
        if style != "gap":
            continue
        for article in ZH_PAGE if lang == "zh" else EN_PAGE:
            blocks, gt, breaks = _layout(article, lang, w, h, style)
            headline, paras, _ = assemble_article(blocks, RepairOptions())
            out = "\n".join([headline, *(p.text for p in paras)])
            letters = [i for i, c in enumerate(gt) if c.isalnum()]
            total = total + score(gt, out, breaks)
            inside = inside + score(gt, out, [b for b in breaks if not ends_sentence(gt[: letters[b]])])
    assert inside.repaired_rate == 1.0, inside
    assert total.kept_rate == 1.0, total
    assert total.repaired_rate >= 0.9, total


def test_ocr_spaces_removed_printed_gap_kept() -> None:
    blocks, gt, _ = _layout(ZH_PAGE[0], "zh", 14, 6, "indent", ocr_spaces=True)
    headline, paras, joins = assemble_article(blocks, RepairOptions())
    out = "\n".join([headline, *(p.text for p in paras)])
    assert out == gt  # "(记者 林晓雨)" keeps its printed one-em gap
    spaces = [j for j in joins if j.kind == JoinKind.SPACE]
    assert len(spaces) > 100 and all(j.removed == " " for j in spaces)
    kept = assemble_article(blocks, RepairOptions(remove_cjk_spaces=False))[1]
    assert " " in kept[1].text and kept[1].text.count(" ") > 50


def test_despace_line_uses_word_gaps() -> None:
    ln = _line("记者 吴梦婷", 0, 0, "zh", ocr_spaces=True)  # printed one-em gap after 记者
    text, joins = despace_line(ln, "p1-b2")
    assert text == "记者 吴梦婷"
    assert len(joins) == 3 and all(j.left_ref == "p1-b2" for j in joins)


def test_english_hyphens_recorded() -> None:
    blocks, gt, _ = _layout(EN_PAGE[0], "en", 30, 5, "indent")
    headline, paras, joins = assemble_article(blocks, RepairOptions())
    assert "\n".join([headline, *(p.text for p in paras)]) == gt
    hy = [j for j in joins if j.kind == JoinKind.HYPHEN]
    assert hy and all(j.reason for j in hy)
    assert any(j.removed == "-" for j in hy)
    raw = assemble_article(blocks, RepairOptions(dehyphenate=False))[1]
    assert sum(p.text.count("-") for p in raw) > sum(p.text.count("-") for p in paras)


def test_page_join_and_switches() -> None:
    blocks, gt, breaks = _layout(ZH_PAGE[1], "zh", 12, 4, "indent", pages=2)
    assert len({b.id.split("-")[0] for b in blocks}) == 2
    headline, paras, joins = assemble_article(blocks, RepairOptions())
    assert "\n".join([headline, *(p.text for p in paras)]) == gt
    assert any(j.kind == JoinKind.PAGE for j in joins)
    _, split, _ = assemble_article(blocks, RepairOptions(join_columns=False, join_pages=False))
    assert len(split) == len(paras) + len(breaks)


def test_captions_last_and_kinds() -> None:
    blocks, gt, _ = _layout(ZH_PAGE[2], "zh", 16, 9, "indent")
    cap = _line("图为颁奖现场。 记者 许文杰 摄", 100, 2000, "zh")
    by = _line("记者 许文杰", 100, 250, "zh")
    blocks = [blocks[0], Block("p1-b90", BlockKind.CAPTION, cap.bbox, (cap,)),
              Block("p1-b91", BlockKind.BYLINE, by.bbox, (by,)), *blocks[1:],
              Block("p1-b92", BlockKind.PHOTO, BBox(0, 0, 10, 10))]
    headline, paras, _ = assemble_article(blocks, RepairOptions())
    assert headline == ZH_PAGE[2][0]
    assert paras[0].kind == BlockKind.BYLINE and paras[0].text == "记者 许文杰"
    assert paras[-1].kind == BlockKind.CAPTION and paras[-1].text.startswith("图为颁奖现场")


def test_multi_line_headline_joined() -> None:
    a, b = _line("重点项目", 100, 100, "zh"), _line("进行时", 100, 160, "zh")
    blocks = [Block("p1-b1", BlockKind.HEADLINE, a.bbox.union(b.bbox), (a, b))]
    assert assemble_article(blocks, RepairOptions())[0] == "重点项目进行时"
    c, d = _line("Library Reopens After", 100, 100, "en"), _line("Two Years", 100, 160, "en")
    blocks = [Block("p1-b1", BlockKind.HEADLINE, c.bbox.union(d.bbox), (c, d))]
    assert assemble_article(blocks, RepairOptions())[0] == "Library Reopens After Two Years"


def test_headline_lines_found_as_two_blocks_joined_as_lines() -> None:
    # the layout found each line of a two-line CJK headline as a block of
    # its own: no space between them; a kicker in smaller type over a
    # headline is another element and keeps its space
    a, b = _line("科研团队在新型储", 100, 100, "zh"), _line("能材料领域取得突破", 100, 150, "zh")
    blocks = [Block("p1-b1", BlockKind.HEADLINE, a.bbox, (a,)), Block("p1-b2", BlockKind.HEADLINE, b.bbox, (b,))]
    assert assemble_article(blocks, RepairOptions())[0] == "科研团队在新型储能材料领域取得突破"
    kicker = Line("坚持问题导向", BBox(100, 40, 340, 64), tuple(
        Word(ch, BBox(100 + 24 * i, 40, 124 + 24 * i, 64), 90.0) for i, ch in enumerate("坚持问题导向")))
    blocks = [Block("p1-b0", BlockKind.HEADLINE, kicker.bbox, (kicker,)), blocks[0], blocks[1]]
    assert assemble_article(blocks, RepairOptions())[0] == "坚持问题导向 科研团队在新型储能材料领域取得突破"
    # the engine's line boxes, taller than the ink, overlap a little
    c = _line("科研团队在新型储", 100, 100, "zh")
    c = Line(c.text, BBox(c.bbox.x0, 95, c.bbox.x1, 145), c.words, c.confidence)
    d = _line("能材料领域取得突破", 100, 140, "zh")
    d = Line(d.text, BBox(d.bbox.x0, 135, d.bbox.x1, 185), d.words, d.confidence)
    blocks = [Block("p1-b1", BlockKind.HEADLINE, c.bbox, (c,)), Block("p1-b2", BlockKind.HEADLINE, d.bbox, (d,))]
    assert assemble_article(blocks, RepairOptions())[0] == "科研团队在新型储能材料领域取得突破"


def test_printed_gap_kept_after_marks_were_made_consistent() -> None:
    # the engine read a half-width ")" that the page's majority made "）"
    # since: the text no longer equals the words' text, but still maps onto
    # them character by character, and the printed gap after 记者 stays
    ln = _line("（记者 周文博)", 0, 0, "zh")
    ln = Line("（记者 周文博）", ln.bbox, ln.words, ln.confidence)
    text, _ = despace_line(ln, "p1-b2")
    assert text == "（记者 周文博）"
