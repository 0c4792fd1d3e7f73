"""Spaces between CJK characters that are not printed: a gap given to the
wrong boundary by the engine's rough boxes, the white of a bracket or quote
the engine did not read, one headline found as two blocks."""

from __future__ import annotations

import cv2
import numpy as np

from layoutkit.model import BBox, Block, BlockKind, Line, Word
from layoutkit.recognize import printed_gaps, unread_mark_white
from layoutkit.repair import _headline_text
from layoutkit.textutil import join_words_at_gaps


def _words(spec: list[tuple[str, int, int]]) -> list[Word]:
    return [Word(t, BBox(x0, 0, x1, 30)) for t, x0, x1 in spec]


def test_gap_beside_an_opening_quote_is_the_quotes_white() -> None:
    # 昔日的“臭: the engine's boxes run a glyph late (日's box on 的's ink,
    # 的's on the quote's): the white before “ is nearer the 日|的 boundary
    words = _words([("昔", 0, 30), ("日", 60, 88), ("的", 120, 124), ("“", 126, 132), ("臭", 150, 180)])
    assert join_words_at_gaps(words, [(91, 113)], 30) == "昔日的“臭"
    # the same for 《 and a closing ” / 》
    words = _words([("见", 0, 30), ("《", 60, 64), ("诗", 66, 96)])
    assert join_words_at_gaps(words, [(32, 56)], 30) == "见《诗"
    words = _words([("诗", 0, 26), ("”", 28, 34), ("说", 66, 96)])
    assert join_words_at_gaps(words, [(36, 62)], 30) == "诗”说"


def test_two_width_mark_takes_the_gap_before_a_misread_beside_it() -> None:
    # "〈（": the gap before the bracket says it is full-width
    words = _words([("讯", 0, 30), ("〈", 40, 46), ("（", 48, 60), ("记", 62, 92)])
    assert join_words_at_gaps(words, [(31, 52)], 30) == "讯〈（记"


def test_narrow_byline_space_goes_to_the_credit_boundary_within_an_em() -> None:
    # 通讯员 张可馨 with 讯 and 员 boxed late: the white after 员 lies nearer
    # the 讯|员 boundary than the 员|张 one
    words = _words([("通", 0, 30), ("讯", 40, 75), ("员", 105, 115), ("张", 116, 150), ("可", 155, 185)])
    assert join_words_at_gaps(words, [(90, 103)], 30) == "通讯员 张可"
    # no credit boundary near: the nearest boundary takes a wide gap as before
    words = _words([("六", 0, 30), ("十", 40, 75), ("岁", 105, 115), ("以", 116, 150)])
    assert join_words_at_gaps(words, [(85, 103)], 30) == "六十 岁以"


def test_white_of_an_unread_bracket_is_no_space() -> None:
    words = _words([("讯", 0, 30), ("通", 60, 90), ("讯", 92, 122)])
    assert join_words_at_gaps(words, [(31, 52)], 30) == "讯 通讯"
    assert join_words_at_gaps(words, [(31, 52)], 30, [(31, 52)]) == "讯通讯"
    # a read mark keeps deciding its width from the same white
    words = _words([("讯", 0, 30), ("(", 52, 60), ("通", 62, 92)])
    assert join_words_at_gaps(words, [(31, 52)], 30, [(31, 52)]) == "讯（通"


def _strip(cells: list[tuple[int, int]], width: int = 400, em: int = 30) -> tuple[np.ndarray, BBox]:
    """A binary strip (ink 255): a filled bar of ink for each (x0, x1)."""
    img = np.zeros((em + 10, width), np.uint8)
    for x0, x1 in cells:
        cv2.rectangle(img, (x0, 5), (x1 - 1, 5 + em - 1), 255, thickness=-1)
    return img, BBox(0, 0, width, em + 10)


def test_sliver_set_apart_from_the_next_glyph_is_an_unread_mark() -> None:
    glyphs = [(0, 27), (32, 59), (64, 91)]
    # 本报讯（通讯: the bracket's sliver at the right of its cell, 0.27 em wide
    paren = [(116, 124)]
    after = [(130, 157), (162, 189)]
    img, box = _strip(glyphs + paren + after)
    gaps, measured = printed_gaps(img, box)
    assert len(gaps) == 1 and gaps[0][0] >= 91 and gaps[0][1] <= 116
    assert unread_mark_white(img, box, gaps, measured) == gaps
    # ）closing: the sliver at the left of its cell, white after it
    img, box = _strip(glyphs + [(96, 104)] + [(128, 155), (160, 187)])
    gaps, measured = printed_gaps(img, box)
    assert len(gaps) == 1 and unread_mark_white(img, box, gaps, measured) == gaps


def test_printed_space_before_a_glyph_with_a_left_radical_is_kept() -> None:
    # 记者 们: a printed space, then one glyph of a thin left radical and a
    # right part -- together no wider than an em: a glyph, not a mark
    glyphs = [(0, 27), (32, 59), (64, 91)]
    radical = [(114, 121), (125, 141)]
    after = [(146, 173)]
    img, box = _strip(glyphs + radical + after)
    gaps, measured = printed_gaps(img, box)
    assert len(gaps) == 1
    assert unread_mark_white(img, box, gaps, measured) == []
    # and a white too wide for a bracket's alone holds a space as well
    img, box = _strip(glyphs + [(x + 20, y + 20) for x, y in [(116, 124), (130, 157)]])
    gaps, measured = printed_gaps(img, box)
    assert unread_mark_white(img, box, gaps, measured) == []


def _head(bid: str, text: str, top: int, tall: int = 0) -> Block:
    # glyph boxes 80 px high; the last ``tall`` glyphs boxed 117 px high
    words = []
    for k, ch in enumerate(text):
        t = top - 18 if k >= len(text) - tall else top
        b = top + 99 if k >= len(text) - tall else top + 80
        words.append(Word(ch, BBox(400 + 85 * k, t, 480 + 85 * k, b)))
    line = Line(text, BBox.enclosing([w.bbox for w in words]), tuple(words))
    return Block(bid, BlockKind.HEADLINE, line.bbox, (line,), language="zh")


def test_headline_found_as_two_blocks_is_one_line_pair_despite_tall_glyph_boxes() -> None:
    # 前三季度全市外 / 贸进出口稳中有升: one headline wrapped, its first line's
    # last glyphs boxed half again as tall as their ink
    a = _head("b1", "前三季度全市外", 835, tall=3)
    b = _head("b2", "贸进出口稳中有升", 937)
    assert _headline_text([a, b], "zh", True, []) == "前三季度全市外贸进出口稳中有升"
    # a deck under the headline in smaller type stays apart
    deck = Block("b3", BlockKind.HEADLINE, BBox(400, 940, 900, 980), (Line(
        "新兴产业成为增长主引擎", BBox(400, 940, 900, 980),
        tuple(Word(ch, BBox(400 + 45 * k, 940, 440 + 45 * k, 980)) for k, ch in enumerate("新兴产业成为增长主引擎"))),),
        language="zh")
    assert _headline_text([_head("b1", "前三季度全市外贸", 835), deck], "zh", True, []) == \
        "前三季度全市外贸 新兴产业成为增长主引擎"


def test_headline_lines_with_glyph_boxes_of_two_heights_are_one_headline() -> None:
    # 我市运动员在全国 / 锦标赛上夺得金牌: the engine boxed half the first
    # line's glyphs 74 px high and half 111, the second line's mostly 111;
    # the medians differ, the lines' own boxes are alike
    def line(text: str, top: int, short: int) -> Block:
        words = []
        for k, ch in enumerate(text):
            t, b = (top + 18, top + 92) if k < short else (top, top + 111)
            words.append(Word(ch, BBox(784 + 80 * k, t, 860 + 80 * k, b)))
        ln = Line(text, BBox.enclosing([w.bbox for w in words]), tuple(words))
        return Block("b", BlockKind.HEADLINE, ln.bbox, (ln,), language="zh")

    a, b = line("我市运动员在全国", 2394, 4), line("锦标赛上夺得金牌", 2490, 2)
    assert _headline_text([a, b], "zh", True, []) == "我市运动员在全国锦标赛上夺得金牌"


def test_white_after_an_unread_comma_is_no_space() -> None:
    # 开学当天，学: the engine dropped the comma; its sliver sits low in the
    # line against 天, its white (0.8 em) runs to 学
    img, box = _strip([(0, 27), (32, 59), (64, 91), (96, 123)], width=200)
    img[27:34, 126:132] = 255                # the comma: low, short, thin
    img[:, 132:] = 0
    img[5:35, 156:183] = 255                 # 学
    gaps, measured = printed_gaps(img, box)
    assert gaps and unread_mark_white(img, box, gaps, measured) == gaps
    # a stop followed by more than an em of white (a printed space before a
    # photo credit) keeps its space
    img2 = img.copy()
    img2[5:35, 156:183] = 0
    img2[5:35, 170:197] = 255
    gaps, measured = printed_gaps(img2, box)
    assert gaps and unread_mark_white(img2, box, gaps, measured) == []


def test_thin_strokes_lost_by_binarisation_open_no_gap() -> None:
    # 时二十 on a coarse scan: the two faint strokes of 二 (grey 160) are
    # gone from the binary, which shows a white gap where 二 stands
    gray = np.full((40, 200), 255, np.uint8)
    binary = np.zeros_like(gray)
    for x0, x1 in [(0, 27), (32, 59), (100, 127), (132, 159)]:
        gray[5:35, x0:x1] = 30
        binary[5:35, x0:x1] = 255
    gray[12:14, 70:92] = 160                 # 二: two light strokes
    gray[27:29, 66:96] = 160
    box = BBox(0, 0, 200, 40)
    gaps, _ = printed_gaps(binary, box)
    assert any(a <= 70 and b >= 90 for a, b in gaps)     # the binary alone: a gap
    gaps, _ = printed_gaps(binary, box, gray)
    assert not any(a < 92 and b > 70 for a, b in gaps)   # with the grey: none over 二
    # a real white gap stays white (paper texture is lighter than 30%)
    gray2 = gray.copy()
    gray2[:, 60:100] = 245
    gaps, _ = printed_gaps(binary, box, gray2)
    assert any(a <= 62 and b >= 98 for a, b in gaps)
