"""Rules of the recognition step that work on measured geometry and on the
page's text, without an OCR engine: printed gaps in justified CJK lines,
one punctuation width per page, the thin glyphs at the ends of lines."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from layoutkit.layout import Region, _extend_line_ends
from layoutkit.model import BBox, Block, BlockKind, Line, Word
from layoutkit.recognize import consistent_mark_width, printed_gaps


def _line_image(xs: list[int], em: int = 30, width: int = 600) -> tuple[np.ndarray, BBox]:
    """A binary strip (ink 255) with one em-square glyph starting at each x."""
    img = np.zeros((em + 10, width), np.uint8)
    for x in xs:
        cv2.rectangle(img, (x + 2, 5), (x + em - 3, 5 + em - 1), 255, thickness=3)
    return img, BBox(0, 0, width, em + 10)


def test_letter_spaced_cjk_line_has_no_printed_spaces() -> None:
    # a justified line: every glyph 0.45 em apart -- letter spacing, not spaces
    em = 30
    xs = [i * int(em * 1.45) for i in range(8)]
    img, box = _line_image(xs, em)
    gaps, measured = printed_gaps(img, box)
    assert measured >= em - 2
    assert gaps == []
    # the same line with one real space among the spread glyphs
    xs2 = xs[:4] + [x + int(em * 0.8) for x in xs[4:]]
    img2, box2 = _line_image(xs2, em, 700)
    gaps2, _ = printed_gaps(img2, box2)
    assert len(gaps2) == 1
    g0, g1 = gaps2[0]
    assert xs2[3] + em - 3 <= g0 + 1 and g1 <= xs2[4] + 3


def test_tight_cjk_line_keeps_a_printed_space() -> None:
    em = 30
    xs = [i * em for i in range(4)] + [4 * em + 18 + i * em for i in range(4)]
    img, box = _line_image(xs, em)
    gaps, _ = printed_gaps(img, box)
    assert len(gaps) == 1


def _block(texts: list[str]) -> Block:
    lines = tuple(Line(t, BBox(0, 40 * i, 300, 40 * i + 30), (Word(t, BBox(0, 40 * i, 300, 40 * i + 30)),))
                  for i, t in enumerate(texts))
    return Block("b1", BlockKind.BODY, BBox(0, 0, 300, 40 * len(texts)), lines)


def test_page_marks_follow_the_page_majority() -> None:
    blk = _block(["会议强调，全区上下要统一思想，", "持续推动经济实现质的有效提升，", "接到预警后,城市管理部门", "提前预置抢险队伍；对低洼路段"])
    out = consistent_mark_width([blk])
    text = "\n".join(ln.text for ln in out[0].lines)
    assert "," not in text and "接到预警后，城市管理部门" in text
    # the other way round: a page set with half-width marks keeps them
    blk = _block(["会议强调,全区上下要统一思想,", "持续推动经济,实现质的有效提升,", "接到预警后，城市管理部门"])
    text = "\n".join(ln.text for ln in consistent_mark_width([blk])[0].lines)
    assert "，" not in text
    # Latin text and numbers are left alone; no majority, no change
    blk = _block(["Prices rose 1,200 points, he said;", "会议强调，全区上下", "接到预警后,城市管理"])
    text = "\n".join(ln.text for ln in consistent_mark_width([blk])[0].lines)
    assert "1,200 points, he said;" in text and "会议强调，" in text and "后,城" in text


def test_line_ends_get_their_thin_glyphs_back() -> None:
    # a line whose last glyph (a hyphen) was dropped from the layout mask
    ink = np.zeros((100, 400), np.uint8)
    ink[20:50, 10:200] = 255                # the words
    ink[33:37, 206:218] = 255               # a hyphen just after them
    ink[20:50, 330:390] = 255               # the next column, beyond a gutter
    line = BBox(10, 20, 200, 50)
    other = Region(BBox(330, 20, 390, 50), BlockKind.BODY, (BBox(330, 20, 390, 50),))
    regions = [Region(BBox(10, 20, 200, 50), BlockKind.BODY, (line,)), other]
    out = _extend_line_ends(regions, ink, em=30.0)
    assert out[0].line_boxes[0].x1 == 218 and out[0].bbox.x1 == 218
    assert out[1].line_boxes[0] == BBox(330, 20, 390, 50)
    # ink further than half an em away (the next column) is never taken
    ink2 = ink.copy()
    ink2[33:37, 206:218] = 0
    out = _extend_line_ends(regions, ink2, em=30.0)
    assert out[0].line_boxes[0].x1 == 200


def test_bracket_pairs_match() -> None:
    from layoutkit.recognize import pair_brackets

    assert pair_brackets("本报讯〈记者 王建国）气象专家") == "本报讯（记者 王建国）气象专家"
    assert pair_brackets("本报讯（记者 王建国)气象专家") == "本报讯（记者 王建国）气象专家"
    assert pair_brackets("新华社电(记者 周文博)本届") == "新华社电(记者 周文博)本届"
    assert pair_brackets("收录于〈诗经〉一书") == "收录于〈诗经〉一书"
    assert pair_brackets("只有一半（没有闭合") == "只有一半（没有闭合"


def test_one_gibberish_line_does_not_turn_a_chinese_block_latin() -> None:
    from layoutkit.options import ConvertOptions
    from layoutkit.recognize import _LineReader

    class Scripted:
        """An engine that answers from a script: per call, the languages asked."""

        name = "scripted"

        def __init__(self) -> None:
            self.calls: list[str] = []

        def recognize(self, image: np.ndarray, languages: str, timeout: float = 0.0, *,
                      vertical: bool = False, single_line: bool = False) -> list[Line]:
            self.calls.append(languages)
            n = len(self.calls)
            if int(image[0, 0]) == 1:  # the gibberish line: Latin reading more confident
                text, conf = ("Pia. AE ASAD", 65.0) if "eng" in languages else ("牙滩、生态补水", 60.0)
            else:
                text, conf = ("生态环境部门负责人表示", 90.0) if "eng" not in languages else ("ZB RMT", 30.0)
            box = BBox(0, 0, 100, 30)
            return [Line(text, box, (Word(text, box, conf),), conf)] if n else []

    eng = Scripted()
    reader = _LineReader(eng, ConvertOptions(languages="chi_sim+eng"))
    junk = np.ones((30, 100), np.uint8)
    clean = np.zeros((30, 100), np.uint8)
    assert reader.read(junk)[0].text == "Pia. AE ASAD"
    # the next lines of the block are still read with the CJK model first
    eng.calls.clear()
    assert reader.read(clean)[0].text == "生态环境部门负责人表示"
    assert eng.calls == ["chi_sim"]


def _draw_page() -> np.ndarray:
    """A band of six columns of Chinese body text: column 1 under its own
    one-column headline, columns 2-6 under a short headline centred over
    them that covers only columns 3-5 (grey page, 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 36)
    big = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 100)
    img = Image.new("L", (6 * 400 + 100, 1500), 255)
    d = ImageDraw.Draw(img)
    text = "会议强调全区上下要切实把思想和行动统一到重要讲话精神上来着力强内需扩开放谋创新促转型" * 3
    col_x = [50 + i * 400 for i in range(6)]
    d.text((col_x[0] + 10, 60), "一栏标题", font=ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 80), fill=0)
    width = 100 * 7  # (no glyph boundary of the headline over a gutter)
    centre = (col_x[1] + col_x[5] + 360) // 2
    d.text((centre - width // 2, 60), "县域消费再回暖", font=big, fill=0)
    for c, x in enumerate(col_x):
        for i in range(22):
            k = (c * 22 + i) % 40
            d.text((x, 200 + i * 54), text[k:k + 10], font=font, fill=0)
    return np.array(img)


def test_headline_centred_over_columns_it_does_not_reach_owns_them() -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_draw_page(), 300))
    heads = [i for i, r in enumerate(lay.regions) if r.kind == BlockKind.HEADLINE]
    bodies = [(i, r) for i, r in enumerate(lay.regions) if r.kind == BlockKind.BODY]
    assert len(heads) == 2 and len(bodies) == 6
    wide = max(heads, key=lambda i: lay.regions[i].bbox.width)
    col2 = sorted(bodies, key=lambda ir: ir[1].bbox.x0)[1][0]
    col1 = sorted(bodies, key=lambda ir: ir[1].bbox.x0)[0][0]
    # column 2 is read after the centred headline, not as the end of column 1's article
    assert col1 < wide < col2


def test_bold_byline_is_not_a_headline() -> None:
    """A byline set bold under a one-column headline is classed by its text."""
    from layoutkit.layout import PageLayout
    from layoutkit.options import ConvertOptions
    from layoutkit.preprocess import preprocess
    from layoutkit.recognize import recognize_page

    img = np.full((300, 900), 255, np.uint8)
    img[30:60, 20:420] = 0
    img[130:160, 20:460] = 0
    prep = preprocess(img, 300)

    class Reads:
        """Answers the lines in the order they are asked for."""

        name = "reads"

        def __init__(self, texts: list[str]) -> None:
            self.texts = texts

        def recognize(self, image: np.ndarray, languages: str, timeout: float = 0.0, *,
                      vertical: bool = False, single_line: bool = False) -> list[Line]:
            text = self.texts.pop(0)
            box = BBox(0, 0, image.shape[1], image.shape[0])
            return [Line(text, box, (Word(text, box, 95.0),), 95.0)]

    regions = (Region(BBox(20, 30, 420, 60), BlockKind.HEADLINE, (BBox(20, 30, 420, 60),)),
               Region(BBox(20, 130, 460, 160), BlockKind.HEADLINE, (BBox(20, 130, 460, 160),)))
    lay = PageLayout(regions, (), (), (), 30.0, 1)
    blocks = recognize_page(prep, lay, Reads(["By Sarah Goldberg", "Rates Steady Again"]), ConvertOptions(languages="eng"))
    assert [b.kind for b in blocks] == [BlockKind.BYLINE, BlockKind.HEADLINE]
    # a bold byline found in one block with the body's first line under it
    two = (Region(BBox(20, 30, 460, 160), BlockKind.HEADLINE, (BBox(20, 30, 420, 60), BBox(20, 130, 460, 160))),)
    blocks = recognize_page(prep, PageLayout(two, (), (), (), 30.0, 1), Reads(["By James O'Neill", "ATLANTA — The"]),
                            ConvertOptions(languages="eng"))
    assert [(b.kind, b.text) for b in blocks] == [(BlockKind.BYLINE, "By James O'Neill"), (BlockKind.BODY, "ATLANTA — The")]


def _serif_page(height: int, seed: int) -> tuple[Any, Any, Any, Any, Any, np.random.Generator]:
    """A white 1500-px-wide page to draw on: the image, its drawing context,
    ``column(x, y, n)`` setting n lines of random body words 40 px apart,
    the bold 60-px headline font, the 30-px body font and the random
    generator the columns draw from."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    head = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 60)
    img = Image.new("L", (1500, height), 255)
    d = ImageDraw.Draw(img)
    rng = np.random.default_rng(seed)
    words = "the council said on monday that the new plan would cut costs for families".split()

    def column(x: int, y: int, n: int) -> None:
        for i in range(n):
            d.text((x, y + i * 40), " ".join(rng.choice(words, 3)), font=font, fill=0)

    return img, d, column, head, font, rng


def test_gap_where_only_some_columns_ended_is_not_a_band_boundary() -> None:
    """An article with a picture over its two columns runs on below a wide
    gap under the caption; the column beside it ended above the gap.  The
    article is read whole before the column beside it."""
    from PIL import Image

    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    img, d, column, head, font, rng = _serif_page(1700, 3)

    d.text((60, 60), "Study Links Sleep", font=head, fill=0)
    photo = (rng.random((500, 860)) * 120 + 60).astype(np.uint8)
    img.paste(Image.fromarray(photo).resize((860, 500)), (60, 170))
    d.text((60, 690), "Photo: A researcher in the laboratory.", font=font, fill=0)
    column(60, 800, 18)
    column(540, 800, 18)
    d.text((1000, 60), "Rates Steady", font=head, fill=0)
    column(1000, 170, 12)
    lay = analyze(preprocess(np.array(img), 300))
    kinds = [(r.kind, r.bbox) for r in lay.regions]
    left = [i for i, (_, b) in enumerate(kinds) if b.x1 < 960]
    right = [i for i, (_, b) in enumerate(kinds) if b.x0 > 960]
    assert left and right
    assert max(left) < min(right) or max(right) < min(left)


def test_dense_picture_sheds_the_caption_line_set_close_under_it() -> None:
    from layoutkit.layout import _shed_text_lines

    binary = np.zeros((700, 600), np.uint8)
    binary[50:500, 40:560] = 255                 # a black-and-white picture
    for x in range(40, 540, 14):                 # a line of type 10 px below it
        binary[510:535, x:x + 3] = 255
        binary[520:523, x:x + 9] = 255
    box = BBox(40, 50, 560, 535)
    out = _shed_text_lines(binary, box, em=25.0)
    assert out.top == 50 and 500 <= out.bottom <= 510
    # a picture without a line beside it keeps its box
    plain = BBox(40, 50, 560, 500)
    assert _shed_text_lines(binary, plain, em=25.0) == plain


def test_rule_remnant_removal_keeps_the_stems_of_bold_glyphs() -> None:
    from layoutkit.layout import _keep_glyph_strokes, _remove_rule_remnants

    em = 33.0
    text = np.zeros((400, 600), np.uint8)
    # a bold 上 at headline size: a stem 12 px wide and 85 px tall, a short
    # bar to its right and a long bar at its foot
    text[100:185, 100:112] = 255
    text[135:147, 112:150] = 255
    text[175:187, 60:170] = 255
    # a broken rule standing alone in a gutter: 3 px wide, 80 px tall
    text[100:180, 400:403] = 255
    after = _remove_rule_remnants(text, em)
    assert not after[100:135, 100:112].any()         # the stem went with the rule remnant
    out = _keep_glyph_strokes(text, after, em)
    assert out[100:135, 100:112].all()               # ... and is given back
    assert not out[100:180, 400:403].any()           # the rule piece is not


def test_pictures_side_by_side_are_cut_at_the_rule_between_them() -> None:
    from layoutkit.layout import _split_photos_at_rules

    merged = BBox(120, 2442, 864, 2778)            # two pictures and the gutter between
    rule = BBox(494, 2134, 498, 3569)              # a column rule down the whole band
    parts = _split_photos_at_rules([merged], [], [rule], 300)
    assert len(parts) == 2
    left, right = sorted(parts, key=lambda b: b.x0)
    assert left.x1 < rule.x0 and right.x0 > rule.x1
    # a rule that stops inside the picture, or one near its edge, cuts nothing
    assert _split_photos_at_rules([merged], [], [BBox(494, 2600, 498, 3569)], 300) == [merged]
    assert _split_photos_at_rules([merged], [], [BBox(140, 2134, 144, 3569)], 300) == [merged]


def test_picture_frame_near_the_top_is_no_header_rule() -> None:
    from layoutkit.layout import classify

    page_w, page_h = 2600, 3700
    masthead = BBox(120, 158, 2488, 166)
    frame = BBox(922, 494, 2487, 498)              # the top edge of a picture over four columns
    head = BBox(120, 200, 445, 318)                # a one-column headline beside it
    lines = [BBox(120, 200, 445, 229), BBox(120, 249, 346, 273), BBox(120, 290, 400, 318)]
    body = BBox(119, 363, 482, 1299)
    body_lines = [BBox(120, 363 + 43 * i, 480, 390 + 43 * i) for i in range(20)]
    regions = classify([head, body], [lines, body_lines], [], page_w, page_h, [masthead, frame])
    assert regions[0].kind != BlockKind.HEADER


def test_space_printed_after_a_full_stop_is_kept() -> None:
    from layoutkit.textutil import join_words_at_gaps

    def w(t: str, x0: int, x1: int) -> Word:
        return Word(t, BBox(x0, 0, x1, 30))

    words = [w("鸟", 0, 30), w("。", 30, 60), w("郑", 90, 120), w("海", 120, 150)]
    # the stop's own white (half an em) and a printed space: a whole em
    assert join_words_at_gaps(words, [(45, 75)], 30) == "鸟。 郑海"
    # the stop's own white alone
    assert join_words_at_gaps(words, [(45, 63)], 30) == "鸟。郑海"


def test_narrow_space_kept_only_where_bylines_and_credits_print_one() -> None:
    from layoutkit.textutil import join_words_at_gaps

    def line(text: str, gap_after: int) -> tuple[list[Word], list[tuple[int, int]]]:
        words, x = [], 0
        gaps = []
        for k, ch in enumerate(text):
            words.append(Word(ch, BBox(x, 0, x + 30, 30)))
            x += 30
            if k == gap_after:
                gaps.append((x, x + 9))  # 0.3 em of white
                x += 9
        return words, gaps

    words, gaps = line("记者李明远", 1)
    assert join_words_at_gaps(words, gaps, 30) == "记者 李明远"
    words, gaps = line("冯雪摄", 1)
    assert join_words_at_gaps(words, gaps, 30) == "冯雪 摄"
    # the same narrow white between other characters is no space
    words, gaps = line("六十岁以上", 1)
    assert join_words_at_gaps(words, gaps, 30) == "六十岁以上"


def test_stray_marks_dropped_from_latin_lines() -> None:
    from layoutkit.recognize import drop_stray_marks

    assert drop_stray_marks("he said a_ thing") == "he said a thing"
    assert drop_stray_marks("_residents were told") == "residents were told"
    assert drop_stray_marks("rain fell = on the | river ~") == "rain fell on the river"
    # what prose does print stays
    assert drop_stray_marks("write to john_doe@example.org") == "write to john_doe@example.org"
    assert drop_stray_marks("© AP — the  council") == "© AP — the  council"
    assert drop_stray_marks("_") == ""


def test_black_and_white_picture_crossed_by_a_column_rule_is_found() -> None:
    from layoutkit.layout import _without_thin_lines, find_photos

    em = 23.0
    binary = np.zeros((1600, 1200), np.uint8)
    rng = np.random.default_rng(5)
    blob = (rng.random((60, 100)) < 0.75).astype(np.uint8) * 255
    binary[100:700, 100:1100] = cv2.resize(blob, (1000, 600), interpolation=cv2.INTER_NEAREST)
    binary[50:1550, 598:601] = 255                   # a column rule right through it
    for y in range(760, 1500, 40):                   # two columns of text under it
        for x0 in (100, 640):
            for x in range(x0, x0 + 440, 16):
                binary[y:y + 22, x:x + 3] = 255
    cleaned = _without_thin_lines(binary, em)
    assert not cleaned[1000:1500, 598:601].any()     # the rule is gone
    assert cleaned[100:700, 100:1100].mean() > 0.5 * binary[100:700, 100:1100].mean()
    gray = np.where(binary > 0, 0, 255).astype(np.uint8)
    photos = find_photos(gray, binary, em, None, grow=18, dpi=300)
    assert photos and any(p.top < 150 and p.bottom < 760 and p.width > 800 for p in photos)


def test_junk_lines_read_as_latin_dropped_from_chinese_blocks_only() -> None:
    from layoutkit.recognize import drop_junk_lines

    def ln(text: str, conf: float) -> Line:
        box = BBox(0, 0, 300, 30)
        return Line(text, box, (Word(text, box, conf),), conf)

    zh = [ln("生态环境部门负责人表示，将继续", 88), ln("fm Eee", 31.8), ln("深入打好蓝天、碧水、净土保卫战", 85),
          ln("5G AI", 82), ln("推动经济社会发展全面绿色转型。", 90)]
    kept = [x.text for x in drop_junk_lines(zh)]
    assert "fm Eee" not in kept and "5G AI" in kept and len(kept) == 4
    en = [ln("The council voted", 90), ln("fm Eee", 20), ln("on Tuesday night", 91)]
    assert [x.text for x in drop_junk_lines(en)] == ["The council voted", "fm Eee", "on Tuesday night"]


def test_two_cjk_headlines_side_by_side_are_not_bridged() -> None:
    from layoutkit.layout import _smear_large_type

    em = 8.0
    small = np.zeros((60, 400), np.uint8)
    x = 10
    def glyph(x: int) -> None:  # a 20-px glyph of 3-px strokes
        small[20:40, x:x + 20] = 1
        small[23:37, x + 3:x + 9] = 0
        small[23:37, x + 12:x + 17] = 0

    for _ in range(6):          # a headline of six glyphs, 2 px apart
        glyph(x)
        x += 22
    gap_start = x - 2
    x += 12                     # the gutter between two one-column headlines
    gap_end = x
    for _ in range(6):
        glyph(x)
        x += 22
    out = _smear_large_type(small, em)
    assert out[30, 12:gap_start].all()              # each headline is one piece
    assert not out[30, gap_start + 1:gap_end - 1].any()  # the two stay apart


def test_bracket_pair_across_two_lines_of_a_column() -> None:
    blk = _block(["本报讯〈通讯员张可馨", "记者 冯雪)会议还研究", "了其他事项。"])
    text = "\n".join(ln.text for ln in consistent_mark_width([blk])[0].lines)
    assert text == "本报讯（通讯员张可馨\n记者 冯雪）会议还研究\n了其他事项。"


def test_grey_picture_box_fitted_to_the_picture() -> None:
    # the shade map's box of a grey picture reaches into the caption set
    # close under it and over white margin on top; the fitted box does not
    from layoutkit.layout import _fit_to_picture

    gray = np.full((800, 700), 255, np.uint8)
    ramp = np.linspace(60, 250, 500).astype(np.uint8)  # light on the right, as photos can be
    gray[100:500, 50:550] = ramp[None, :]
    for x in range(50, 530, 16):                       # caption: 10 px under the picture
        gray[510:535, x:x + 4] = 0
        gray[520:524, x:x + 11] = 0
    shade_box = BBox(50, 60, 550, 522)                 # reaches 12 px into the caption
    fitted = _fit_to_picture(gray, shade_box, em=25.0)
    assert fitted.top == 100 and 495 <= fitted.bottom <= 505
    assert fitted.x0 <= 55 and fitted.x1 >= 450
    # a box that is already the picture stays; a mostly white one is kept as seen
    assert _fit_to_picture(gray, BBox(50, 100, 550, 500), em=25.0).bottom >= 495
    white = np.full((800, 700), 250, np.uint8)
    white[300:320, 100:200] = 0
    assert _fit_to_picture(white, shade_box, em=25.0) == shade_box


def test_column_of_text_under_a_picture_is_shed_from_its_box() -> None:
    # a one-column picture whose shade-map box runs on down its column over
    # a caption, a byline and a dozen lines of body text
    from layoutkit.layout import _fit_to_picture

    gray = np.full((1300, 400), 255, np.uint8)
    ramp = np.linspace(60, 230, 360).astype(np.uint8)
    gray[100:350, 20:380] = ramp[None, :]
    for i in range(20):                                # lines of type: 22 px, 36 px apart
        top = 380 + i * 36 + (30 if i > 2 else 0)      # (a wider gap after the caption)
        for x in range(20, 360, 14):
            gray[top:top + 22, x:x + 3] = 0
            gray[top + 10:top + 13, x:x + 10] = 0
    shade_box = BBox(10, 90, 390, 1200)
    fitted = _fit_to_picture(gray, shade_box, em=25.0, fallback=shade_box)
    assert 95 <= fitted.top <= 105 and 345 <= fitted.bottom <= 355
    # a picture with a light band across it keeps its box: the pieces
    # either side of the white rows are no lines of type
    gray[:] = 255
    gray[100:350, 20:380] = ramp[None, :]
    gray[350:380, 20:380] = 255
    gray[380:700, 20:380] = ramp[None, :]
    fitted = _fit_to_picture(gray, BBox(10, 90, 390, 710), em=25.0, fallback=BBox(10, 90, 390, 710))
    assert fitted.top <= 105 and fitted.bottom >= 695


def _lines(x0: int, top: int, x1: int, n: int, h: int = 30, pitch: int = 45) -> list[BBox]:
    return [BBox(x0, top + i * pitch, x1, top + i * pitch + h) for i in range(n)]


def test_body_set_under_a_pictures_caption_is_no_caption() -> None:
    from layoutkit.layout import classify

    photo = BBox(100, 200, 900, 700)
    column = _lines(1000, 200, 1400, 20)               # body text elsewhere: body lines 30 px
    caption = _lines(100, 705, 600, 1, h=22)           # the caption, right under the picture
    body_a = _lines(100, 765, 480, 2)                  # the article's body: 1.7 caption lines below
    body_b = _lines(520, 765, 900, 2)                  # (and its next column, level with it)
    runover = _lines(100, 740, 300, 1, h=22)           # or: the caption's second line

    def kinds(*blocks: list[BBox]) -> list[BlockKind]:
        leaves = [photo] + [BBox.enclosing(b) for b in blocks] + [BBox.enclosing(column)]
        return [r.kind for r in classify(leaves, [[], *blocks, column], [photo], 1500, 2000, [])][1:-1]

    assert kinds(caption, body_a, body_b) == [BlockKind.CAPTION, BlockKind.BODY, BlockKind.BODY]
    assert kinds(caption, runover) == [BlockKind.CAPTION, BlockKind.CAPTION]
    # without a caption, the first text under the picture is its caption
    assert kinds(_lines(100, 705, 480, 2)) == [BlockKind.CAPTION]


def test_short_last_line_keeps_its_stem_rows() -> None:
    # a paragraph's last line of one glyph like 上: a short bar on top, a
    # thin stem, a bar at the foot.  Against the block's full rows the stem
    # rows hold little ink; the line is still one line, top bar included
    from layoutkit.layout import line_boxes

    img = np.zeros((400, 600), np.uint8)
    for top in (20, 80, 140, 200):                     # four full lines of "glyphs"
        for x in range(10, 590, 36):
            img[top:top + 30, x:x + 30] = 255
            img[top + 5:top + 25, x + 5:x + 25] = 0
    top = 260                                          # the short line: 上 then 。
    img[top:top + 4, 25:32] = 255                      # short top bar
    img[top:top + 30, 22:26] = 255                     # stem
    img[top + 26:top + 30, 10:40] = 255                # foot
    img[top + 22:top + 29, 48:55] = 255                # full stop
    lines = line_boxes(img, BBox(0, 0, 600, 400), em=30.0)
    assert len(lines) == 5
    assert lines[-1].top <= top and lines[-1].bottom >= top + 29


def test_rule_along_a_pictures_edge_stays_outside_its_box() -> None:
    from layoutkit.layout import _clear_of_rules

    photo = BBox(580, 1700, 1031, 2680)
    top_rule = BBox(582, 1707, 2008, 1719)             # a box drawn round three pictures
    side = BBox(1034, 1650, 1038, 3000)                # a column rule beyond the edge: untouched
    fitted = _clear_of_rules(photo, [top_rule], [side], 15)
    assert fitted.top == 1719 and fitted.bottom == 2680 and fitted.x1 == 1031


def test_cjk_headlines_of_two_sizes_side_by_side_stay_apart() -> None:
    # two headlines side by side on one baseline, one in larger type, a
    # little over half a line apart: no word spaces (CJK), so no descenders
    # either -- type sizes 20% apart are two headlines
    from layoutkit.layout import Region, _join_headline_pieces

    text = np.zeros((400, 1400), np.uint8)

    def headline(x0: int, x1: int, top: int, h: int) -> Region:
        for x in range(x0, x1 - h + 1, h + 4):          # square glyphs 4 px apart
            text[top:top + h, x:x + h] = 255
        box = BBox(x0, top, x1, top + h)
        return Region(box, BlockKind.HEADLINE, (box,))

    small = headline(100, 532, 100, 58)
    large = headline(570, 1038, 100, 72)
    assert len(_join_headline_pieces([small, large], text)) == 2
    # one headline of one size cut in two by a gutter under it joins again
    text[:] = 0
    left, right = headline(100, 532, 100, 60), headline(540, 900, 100, 60)
    assert len(_join_headline_pieces([left, right], text)) == 1


def _page_with_deck(deck_size: int) -> np.ndarray:
    """A headline over three columns, a deck line centred under it, the
    three columns of body text under both (white page, 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    ttc = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    img = Image.new("L", (1800, 1300), 255)
    d = ImageDraw.Draw(img)
    d.text((460, 60), "湿地公园迎来越冬候鸟", font=ImageFont.truetype(ttc, 84), fill=0)
    d.text((900 - 4 * deck_size, 225), "生态环境持续改善", font=ImageFont.truetype(ttc, deck_size), fill=0)
    body = ImageFont.truetype(ttc, 36)
    text = "会议强调全区上下要切实把思想和行动统一到重要讲话精神上来着力强内需扩开放谋创新促转型" * 3
    for c, x in enumerate((80, 640, 1200)):
        for i in range(16):
            k = (c * 16 + i) % 40
            d.text((x, 290 + i * 56), text[k:k + 13], font=body, fill=0)
    return np.array(img)


def test_deck_centred_under_a_headline_is_read_before_the_columns() -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_page_with_deck(40), 300))
    text = [r for r in lay.regions if r.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
    tops = [r.bbox.top for r in text]
    deck = next(i for i, r in enumerate(text) if 220 <= r.bbox.top <= 240)
    # headline, deck, then the three columns from the left
    assert deck == 1 and text[0].bbox.top < 100
    assert [r.bbox.x0 // 500 for r in text[2:5]] == [0, 1, 2] and min(tops[2:]) > 250


def _two_articles_side_by_side() -> np.ndarray:
    """Two articles side by side, each a two-line headline over a picture,
    a caption and two columns of body text; every gap lines up across the
    page (grey page, 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    big, body = ImageFont.truetype(serif, 56), ImageFont.truetype(serif, 30)
    img = Image.new("L", (2100, 1700), 255)
    d = ImageDraw.Draw(img)
    words = "the council said the plan would take effect next year after a long debate over costs".split()
    for side, x in enumerate((90, 1070)):
        d.text((x, 60), ("Central Bank Holds", "Local Team Clinches")[side], font=big, fill=0)
        d.text((x, 135), ("Interest Rates Steady", "Playoff Berth")[side], font=big, fill=0)
        d.rectangle((x, 260, x + 900, 760), fill=150)
        d.text((x, 780), "Photo: Shoppers crowd a downtown store.", font=body, fill=0)
        for c in range(2):
            for i in range(16):
                k = (side * 7 + c * 5 + i * 3) % (len(words) - 4)
                d.text((x + c * 470, 880 + i * 45), " ".join(words[k:k + 4]), font=body, fill=0)
    return np.array(img)


def test_articles_side_by_side_are_read_one_after_the_other() -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_two_articles_side_by_side(), 300))
    sides = [r.bbox.x0 >= 1050 for r in lay.regions if r.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
    assert sides.count(True) >= 4 and sides.count(False) >= 4
    # the whole left article, then the whole right one
    assert sides == sorted(sides)


def test_black_and_white_picture_with_a_piece_apart_is_found_whole() -> None:
    # a binarised picture whose top-left blob the closing leaves apart from
    # the rest: the blob lies inside the box of the larger piece, and is
    # met first in the page's raster order
    from layoutkit.layout import find_photos

    em = 23.0
    binary = np.zeros((1400, 1200), np.uint8)
    binary[150:330, 100:300] = 255                     # the blob in the corner
    binary[150:1000, 330:1100] = 255                   # the rest: an L round it,
    binary[360:1000, 100:1100] = 255                   # 30 px of white between them
    gray = np.where(binary > 0, 0, 255).astype(np.uint8)
    photos = find_photos(gray, binary, em, None, grow=18, dpi=300)
    assert any(p.top <= 160 and p.bottom >= 990 and p.width >= 950 for p in photos)


def test_pictures_side_by_side_closer_than_the_blur_are_parted() -> None:
    from layoutkit.layout import _fit_to_picture, _split_at_paper

    gray = np.full((900, 1400), 255, np.uint8)
    gray[100:600, 100:680] = 120                      # two grey pictures, a 30-px gutter apart
    gray[100:600, 710:1300] = 160
    gray[350:362, 710:1300] = 255                     # (the right one crossed by a white band)
    parts = _split_at_paper(gray, BBox(90, 90, 1310, 700), side=180)
    assert [(p.x0 < 690, p.x1 > 700) for p in parts] == [(True, False), (False, True)]
    assert all(p.top == 90 and p.bottom == 700 for p in parts)   # never cut across
    # a caption of two lines under a picture, and a sliver of the text
    # beyond at the box's foot: all shed
    for top in (612, 640):
        gray[top:top + 20, 710:1280:12] = 0
    gray[695:700, 710:1290:9] = 0
    fitted = _fit_to_picture(gray, parts[1], em=25.0)
    assert fitted.top == 100 and 598 <= fitted.bottom <= 602


def _framed_picture_beside_a_column() -> np.ndarray:
    """An article over two columns with a framed picture across both, and
    beside it, past a column rule, one column of another article running
    the page's height; a running header over all (grey page, 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    big, body = ImageFont.truetype(serif, 48), ImageFont.truetype(serif, 26)
    img = Image.new("L", (1250, 1500), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 30), "METRO        The Morning Courier        Page 4", font=body, fill=0)
    d.rectangle((40, 75, 1200, 77), fill=0)
    words = "the council said the plan would take effect next year after a long debate over costs".split()

    def column(x: int, top: int, n: int, seed: int) -> None:
        for i in range(n):
            k = (seed + i * 3) % (len(words) - 3)
            d.text((x, top + i * 38), " ".join(words[k:k + 3]), font=body, fill=0)

    d.text((40, 100), "Pitcher Retires", font=big, fill=0)
    column(40, 190, 8, 1)
    column(420, 190, 8, 5)
    # the picture's frame, its edges level with gaps between the lines beside
    d.rectangle((40, 523, 760, 907), outline=0, width=4)
    d.rectangle((48, 531, 752, 899), fill=140)
    column(40, 930, 12, 7)
    column(420, 930, 12, 9)
    d.rectangle((784, 95, 787, 1420), fill=0)                 # the column rule
    d.text((810, 100), "Council Votes", font=big, fill=0)
    column(810, 190, 32, 11)
    return np.array(img)


def test_framed_picture_rule_does_not_cut_the_column_beside_it() -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_framed_picture_beside_a_column(), 300))
    text = [r for r in lay.regions if r.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
    right = [r.bbox.x0 > 780 for r in text]
    assert right.count(True) >= 2 and right.count(False) >= 4
    # the whole left article first, then the column beside it: the frame's
    # top edge does not cut across the page
    assert right == sorted(right)


def _l_shaped_article_round_a_framed_picture(two: bool = False) -> np.ndarray:
    """An article under a headline over three columns: a framed picture
    across columns 1-2 (``two``: two pictures side by side in one frame)
    with two columns of body under it, and column 3 running down beside the
    picture from the top; no column rules (grey page, 300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    big, body = ImageFont.truetype(serif, 56), ImageFont.truetype(serif, 26)
    img = Image.new("L", (1200, 1300), 255)
    d = ImageDraw.Draw(img)
    words = "the council said the plan would take effect next year after a long debate over costs".split()

    def column(x: int, top: int, n: int, seed: int) -> None:
        for i in range(n):
            k = (seed + i * 3) % (len(words) - 3)
            d.text((x, top + i * 38), " ".join(words[k:k + 3]), font=body, fill=0)

    d.text((40, 40), "Researchers Report Advance", font=big, fill=0)
    # the frame hugs the picture; its foot is level with a line of column 3
    d.rectangle((40, 150, 760, 562), outline=0, width=4)
    if two:
        d.rectangle((44, 154, 384, 558), fill=150)
        d.rectangle((416, 154, 756, 558), fill=110)
    else:
        d.rectangle((44, 154, 756, 558), fill=150)
    column(40, 590, 14, 7)
    column(420, 590, 14, 9)
    column(800, 160, 26, 3)
    return np.array(img)


@pytest.mark.parametrize("two", [False, True])
def test_frame_round_a_picture_does_not_cut_the_column_beside_it(two: bool) -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_l_shaped_article_round_a_framed_picture(two), 300))
    body = [r for r in lay.regions if r.kind == BlockKind.BODY]
    col3 = [i for i, r in enumerate(body) if r.bbox.x0 > 780]
    under = [i for i, r in enumerate(body) if r.bbox.x0 < 780 and r.bbox.top > 570]
    assert col3 and under
    # the columns under the picture are read before the column beside it
    assert max(under) < min(col3)
    # the frame is part of the picture, not a rule of the page
    assert not any(r.width > 600 and 540 < r.top < 580 for r in lay.rules)


def test_word_spaces_are_the_wider_of_two_sizes_of_gap() -> None:
    from layoutkit.layout import _word_spaces

    # letters 3-5 px apart, words 14-19 px apart
    assert _word_spaces([3, 4, 3, 5, 16, 4, 3, 14, 19, 4]) == [14, 16, 19]
    # one size of gap only (CJK glyphs) or too few gaps: no word spaces
    assert _word_spaces([4, 5, 4, 6, 5, 4, 5]) == []
    assert _word_spaces([4, 30, 5]) == []


def test_latin_headline_word_spaces_are_bridged() -> None:
    # a line of large Latin type: letters 2 px apart, words wider apart than
    # the median of all the line's gaps, one word a bold "l" (a solid bar)
    from layoutkit.layout import _smear_large_type

    em = 8.0
    small = np.zeros((60, 600), np.uint8)

    def letter(x: int, w: int = 14) -> int:
        small[20:42, x:x + w] = 1
        small[24:38, x + 4:x + w - 4] = 0
        return x + w + 5          # (5-px letter gaps: over 0.15 of the size)

    x, spaces = 10, []
    for n in (4, 2, 5, 1, 3):
        for _ in range(n):
            x = letter(x)
        spaces.append(x - 5)
        x += 12                   # a word space
    small[18:42, x:x + 6] = 1     # "l": narrow and solid
    x = letter(x + 11)
    out = _smear_large_type(small, em)
    assert out[30, 12:x - 8].all()  # one piece, word spaces and all



def _column_rule_across_a_gap() -> np.ndarray:
    """Two articles side by side parted by a column rule, each a headline
    with a wide white gap under it and then its body (on the right, a
    picture and the body under it); below the rule's
    end, a third article's headline over all three columns (white page,
    300 dpi)."""
    from PIL import Image, ImageDraw, ImageFont

    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf", 48)
    body = ImageFont.truetype(serif, 26)
    img = Image.new("L", (1200, 2000), 255)
    d = ImageDraw.Draw(img)
    words = "the council said the plan would take effect next year after a long debate over costs".split()

    def column(x: int, top: int, n: int, seed: int) -> None:
        for i in range(n):
            k = (seed + i * 3) % (len(words) - 3)
            d.text((x, top + i * 38), " ".join(words[k:k + 3]), font=body, fill=0)

    d.text((60, 40), "Fire Chief", font=bold, fill=0)   # (ends 40 px short of the rule)
    column(40, 170, 19, 1)
    d.rectangle((368, 30, 371, 900), fill=0)            # the column rule
    d.text((400, 40), "Council Votes Plan", font=bold, fill=0)
    d.rectangle((400, 170, 1150, 500), fill=140)         # a picture under it
    column(400, 540, 9, 4)
    column(800, 540, 9, 7)
    d.text((40, 960), "Schools Reopen After Summer", font=bold, fill=0)
    for c, x in enumerate((40, 420, 800)):
        column(x, 1050, 24, 2 + c)
    return np.array(img)


def test_gap_crossed_by_a_column_rule_is_no_band_boundary() -> None:
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    lay = analyze(preprocess(_column_rule_across_a_gap(), 300))
    text = [r for r in lay.regions if r.kind not in (BlockKind.HEADER, BlockKind.FOOTER)]
    left = [i for i, r in enumerate(text) if r.bbox.x1 < 368 and r.bbox.bottom < 920]
    right = [i for i, r in enumerate(text) if r.bbox.x0 > 372 and r.bbox.bottom < 920]
    assert len(left) >= 2 and len(right) >= 4
    # the two headlines stay two, one each side of the rule (the smear of
    # large type does not bridge it) ...
    assert text[left[0]].kind == BlockKind.HEADLINE and text[right[0]].kind == BlockKind.HEADLINE
    # ... and the article left of the rule, headline and body, comes before
    # the one right of it
    assert max(left) < min(right)


def test_deck_cut_by_a_gutter_is_one_deck_again() -> None:
    # a deck line whose word space lined up with a gutter: the narrower
    # piece was taken for a subhead, the wider one for a headline
    from layoutkit.layout import Region, _join_headline_pieces

    text = np.zeros((300, 1600), np.uint8)

    def words(x0: int, n: int, top: int = 100, h: int = 38) -> BBox:
        x = x0
        for _ in range(n):                      # words of 5 letters, 14 px spaces
            for _ in range(5):
                text[top:top + h, x:x + 16] = 255
                x += 19
            x += 14
        return BBox(x0, top, x - 14, top + h)

    left = words(100, 1)
    right = words(left.x1 + 16, 4)
    pieces = [Region(left, BlockKind.SUBHEAD, (left,)), Region(right, BlockKind.HEADLINE, (right,))]
    out = _join_headline_pieces(pieces, text)
    assert len(out) == 1 and out[0].kind == BlockKind.SUBHEAD and out[0].bbox == left.union(right)
    # a deck beside another article's headline, a gutter apart, stays apart
    far = words(left.x1 + 60, 4)
    assert len(_join_headline_pieces([pieces[0], Region(far, BlockKind.HEADLINE, (far,))], text)) == 2


def test_two_line_headline_beside_a_large_one_is_not_bridged() -> None:
    # a one-column headline in two lines of smaller type beside a one-line
    # headline twice its size, the gutter between them narrower than the
    # large type's letter spacing would bridge
    from layoutkit.layout import _smear_large_type

    em = 8.0
    small = np.zeros((80, 500), np.uint8)
    for top in (20, 36):                       # two lines of 12-px glyphs
        for x in range(10, 100, 14):           # (the last ends at x 106)
            small[top:top + 12, x:x + 12] = 1
            small[top + 3:top + 9, x + 3:x + 9] = 0
    for x in range(116, 470, 30):              # one line of 28-px glyphs
        small[20:48, x:x + 27] = 1
        small[25:43, x + 5:x + 11] = 0
        small[25:43, x + 16:x + 22] = 0
    out = _smear_large_type(small, em)
    assert out[30, 118:460].all()              # the large headline is one piece
    assert not out[22:46, 107:115].any()       # the 10-px gap beside it stays open




def test_second_headline_line_and_deck_go_with_the_headline_band() -> None:
    # a reduced mask (em 10): a headline line, its second line set well
    # apart and narrower, a deck under both, then body text
    from layoutkit.layout import _foot_of_headline, _runs, _trim

    mask = np.zeros((200, 400), bool)
    mask[10:28, 20:380] = True       # headline, 18 rows tall
    mask[38:56, 120:280] = True      # its second line, 10 rows below
    mask[66:80, 90:310] = True       # the deck: 14 rows, centred
    for top in range(92, 200, 14):   # body lines, 10 rows
        mask[top:top + 10, 20:380] = True
    rows = mask.any(axis=1)
    hgaps = [(a, b) for a, b in _runs(~rows) if a > 10]
    band = _trim(mask, 10, 28, 0, 400)
    cut = _foot_of_headline(mask, hgaps, hgaps[0], band, 0, 0, 400, 10.0)
    assert 80 <= cut <= 92           # under the deck, over the body


def _rendered_pieces(pieces: list[tuple[str, str, int]], size: int = 72) -> tuple[np.ndarray, list[Region]]:
    """Headline pieces (text, font file, x) set on one baseline, as a binary
    page (ink 255) and one headline region each."""
    from PIL import Image, ImageDraw, ImageFont

    from layoutkit.layout import Region

    img = Image.new("L", (2000, 200), 255)
    d = ImageDraw.Draw(img)
    regions = []
    for t, font, x in pieces:
        f = ImageFont.truetype(font, size)
        d.text((x, 150), t, font=f, fill=0, anchor="ls")
        x0, top, x1, bottom = d.textbbox((x, 150), t, font=f, anchor="ls")
        box = BBox(int(x0), int(top), int(x1), int(bottom))
        regions.append(Region(box, BlockKind.HEADLINE, (box,)))
    return (np.array(img) < 128).astype(np.uint8) * 255, regions


def test_cjk_headlines_side_by_side_nearly_an_em_apart_stay_apart() -> None:
    from layoutkit.layout import _join_headline_pieces

    zh = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    # two headlines of one size, 0.7 em apart: two articles side by side
    text, regions = _rendered_pieces([("全民健身运动会圆满落幕", zh, 20), ("湿地公园迎来越冬候鸟", zh, 20 + 11 * 72 + 50)])
    assert len(_join_headline_pieces(regions, text)) == 2
    # one headline cut at a glyph gap: one again
    text, regions = _rendered_pieces([("全民健身运动会", zh, 20), ("圆满落幕", zh, 20 + 7 * 72 + 4)])
    assert len(_join_headline_pieces(regions, text)) == 1
    # Latin words of one headline a word space apart, no spaces inside the
    # pieces: one headline
    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
    text, regions = _rendered_pieces([("Heat", serif, 20), ("Wave", serif, 230)])
    assert len(_join_headline_pieces(regions, text)) == 1


def test_bold_lead_read_latin_beside_chinese_keeps_the_chinese_reading() -> None:
    # the CJK models read a line's bold lead 本报讯（记者 with low confidence;
    # all the models together read it "AGRA Cid A" and the rest the same,
    # at a slightly higher mean: the Chinese reading stays
    from layoutkit.options import ConvertOptions
    from layoutkit.recognize import _LineReader

    class Scripted:
        name = "scripted"

        def recognize(self, image: np.ndarray, languages: str, timeout: float = 0.0, *,
                      vertical: bool = False, single_line: bool = False) -> list[Line]:
            if "eng" in languages:
                words = [("AGRA", 31.0), ("Cid", 62.0), ("A", 67.0), ("刘", 90.0), ("晓", 88.0)]
            else:
                words = [(c, k) for c, k in zip("本报讯（记者刘晓", (93, 92, 92, 3, 3, 3, 90, 88))]
            box = BBox(0, 0, 100, 30)
            ws = tuple(Word(t, box, float(k)) for t, k in words)
            return [Line("".join(t for t, _ in words), box, ws, 60.0)]

    reader = _LineReader(Scripted(), ConvertOptions(languages="chi_sim+eng"))  # type: ignore[arg-type]
    assert reader.read(np.zeros((30, 100), np.uint8))[0].text == "本报讯（记者刘晓"


def test_ascender_rows_of_a_line_stay_with_it() -> None:
    # a line of body type, the leading under it, then the next line whose
    # ascender rows hold so little ink that they come apart from its
    # x-height rows: they go with the line under them, not the one over it
    from layoutkit.layout import line_boxes

    block = np.zeros((120, 400), np.uint8)
    block[10:41, 0:400:2] = 255      # line 1: 31 rows
    block[49:54, 0:400:12] = 255     # line 2's ascenders: 5 sparse rows
    block[55:71, 0:400:2] = 255      # line 2's x-height rows
    block[85:116, 0:400:2] = 255     # line 3
    boxes = line_boxes(block, BBox(0, 0, 400, 120), em=22.0)
    assert [(b.top, b.bottom) for b in boxes] == [(10, 41), (49, 71), (85, 116)]


def test_line_start_of_two_slivers_and_a_comma_is_given_back() -> None:
    # a column's line opening "二，高…": the two strokes of 二 and the comma
    # were left out of the line box; the comma's white is 0.9 em wide
    ink = np.zeros((60, 500), np.uint8)
    ink[10:14, 6:36] = 255                  # 二: two thin strokes
    ink[25:29, 2:40] = 255
    ink[22:30, 43:48] = 255                 # ，
    ink[5:35, 80:480] = 255                 # 高新技术… (the line box)
    line = BBox(80, 5, 480, 35)
    region = Region(BBox(0, 5, 480, 35), BlockKind.BODY, (line,))
    out = _extend_line_ends([region], ink, em=35.0)
    assert out[0].line_boxes[0].x0 == 2
    # beyond the region's own box the short reach holds: a mark 0.9 em off
    # the end of a line is not its glyph
    ink = np.zeros((60, 600), np.uint8)
    ink[5:35, 80:480] = 255
    ink[22:30, 512:517] = 255
    out = _extend_line_ends([Region(BBox(80, 5, 480, 35), BlockKind.BODY, (line,))], ink, em=35.0)
    assert out[0].line_boxes[0].x1 == 480


def test_new_row_of_articles_parts_the_bands_before_a_column_end() -> None:
    """Under a three-column article, a row of two articles: one with a
    picture over its two columns running on below a wide gap, beside a
    column that ended above the gap.  The gutter beside that column runs
    down through the article above too: the row boundary cuts first, so
    the upper article's three columns are read before the row under it."""
    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess

    img, d, column, head, font, _ = _serif_page(2300, 5)

    d.text((60, 40), "Flood Warnings Issued Along River", font=head, fill=0)
    for x in (60, 540, 1000):
        column(x, 150, 12)
    top = 680
    d.text((60, top), "Study Links Sleep", font=head, fill=0)
    d.rectangle((60, top + 110, 920, top + 610), fill=150)
    d.text((60, top + 630), "Photo: A researcher in the laboratory.", font=font, fill=0)
    column(60, top + 740, 18)
    column(540, top + 740, 18)
    d.text((1000, top), "Rates Steady", font=head, fill=0)
    column(1000, top + 110, 12)
    lay = analyze(preprocess(np.array(img), 300))
    text = [r for r in lay.regions if r.kind not in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.PHOTO)]
    upper = [i for i, r in enumerate(text) if r.bbox.bottom < top - 20]
    lower = [i for i, r in enumerate(text) if r.bbox.top > top - 20]
    assert len(upper) >= 4 and lower
    assert max(upper) < min(lower)



def test_deck_over_a_wide_gap_under_the_headline_is_read_before_the_columns() -> None:
    # a reduced mask (em 10): a headline in two lines, a wide gap, a deck
    # centred over the two middle columns only, then four columns parted by
    # rules that start under the deck
    from layoutkit.layout import _Cuts, _xycut

    # (body lines 12 rows tall, 18 apart; the deck's type 14 rows: larger
    # than the body, not large enough to pass for a headline band itself)
    mask = np.zeros((560, 420), bool)
    xs = [(10, 100), (110, 200), (220, 310), (320, 410)]
    for x0, x1 in xs:                           # the foot of the article above
        for top in range(10, 100, 18):
            mask[top:top + 12, x0:x1] = True
    mask[130:154, 20:400] = True                # headline, line 1
    mask[158:182, 160:260] = True               # line 2, centred
    mask[202:216, 120:300] = True               # the deck (wide gap above it)
    for x0, x1 in xs:
        for top in range(226, 550, 18):
            mask[top:top + 12, x0:x1] = True
    rules = tuple((x1 + 4, 224, x1 + 5, 552) for _, x1 in xs[:3])
    cuts = _Cuts(em=10.0, smeared=mask, glyphs=mask, hrules=(), vrules=rules, line_h=12.0)
    leaves = _xycut(mask.astype(np.uint8), cuts, 0, 560, 0, 420)
    deck = next(i for i, (y0, _, _, _) in enumerate(leaves) if 197 <= y0 <= 207)
    col1 = [i for i, (y0, _, x0, x1) in enumerate(leaves) if y0 >= 220 and x1 <= 105]
    assert col1 and deck < min(col1)


def _big_and_mid(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Component stats of a reduced mask, the big ones (18 rows or more) and
    the middling ones (9 rows or more)."""
    from layoutkit.preprocess import label_components

    _, _, stats = label_components(small, connectivity=8)
    h = stats[:, cv2.CC_STAT_HEIGHT]
    big, mid = h >= 18, (h >= 9) & (h < 18)
    big[0] = mid[0] = False
    return stats, big, mid


def test_body_line_beside_a_headline_is_no_large_type() -> None:
    # reduced mask (em 8.5): a line of body type (one component, 10 rows,
    # tall enough to pass for a headline's lower-case words) set in the
    # rows of a large headline, 12 px across the gutter from it; and a
    # headline of capitals followed by lower-case words a word space apart
    from layoutkit.layout import _in_line_with

    small = np.zeros((60, 400), np.uint8)
    small[22:32, 10:140] = 1                  # body line
    for x in range(152, 330, 22):             # big glyphs, 20 rows
        small[16:36, x:x + 19] = 1
        small[20:32, x + 5:x + 14] = 0
    assert not _in_line_with(*_big_and_mid(small)).any()
    # lower-case words chained to the capital: 6 px word spaces
    small = np.zeros((60, 400), np.uint8)
    small[16:36, 10:28] = 1                   # a capital
    small[26:36, 30:80] = 1                   # the rest of its word
    small[26:36, 86:140] = 1                  # next word, x-height only
    small[26:36, 146:200] = 1                 # and the next
    assert _in_line_with(*_big_and_mid(small))[1:].sum() == 3


def test_dense_picture_sheds_a_caption_line_with_descenders() -> None:
    # the caption line under the picture has a few descenders below a white
    # band of its own: the cut is at the band between picture and caption,
    # not between the caption's baseline and its descenders
    from layoutkit.layout import _shed_text_lines

    binary = np.zeros((700, 600), np.uint8)
    binary[50:500, 40:560] = 255                 # a black-and-white picture
    for x in range(40, 540, 14):                 # x-height and ascenders
        binary[510:532, x:x + 3] = 255
        binary[518:521, x:x + 9] = 255
    for x in range(60, 540, 120):                # a few descenders
        binary[535:541, x:x + 3] = 255
    out = _shed_text_lines(binary, BBox(40, 50, 560, 541), em=25.0)
    assert 500 <= out.bottom <= 510


def test_caption_lines_under_a_picture_stay_one_block() -> None:
    # a reduced mask (em 10): a picture (solid, 13 em tall), then a caption
    # of three lines whose ascender and descender rows hold little ink: the
    # rows of the picture must not set the measure of what counts as white
    from layoutkit.layout import _Cuts, _xycut

    mask = np.zeros((240, 300), bool)
    mask[10:140, 10:290] = True                  # the picture
    for top in (150, 166, 182):                  # caption lines, 16 rows apart
        mask[top:top + 2, 10:290:60] = True      # ascenders: sparse
        mask[top + 2:top + 9, 10:290:2] = True   # x-height rows
        mask[top + 9:top + 11, 15:290:60] = True  # descenders: sparse
    cuts = _Cuts(em=10.0, smeared=mask, glyphs=mask, hrules=(), vrules=(), line_h=10.0,
                 photos=((10, 10, 290, 140),))
    leaves = _xycut(mask.astype(np.uint8), cuts, 0, 240, 0, 300)
    caption = [lf for lf in leaves if lf[0] >= 145]
    assert len(caption) == 1 and caption[0][1] >= 190


def test_last_lines_of_a_column_are_no_subhead() -> None:
    # three lines whose boxes run tall (descenders, noise) at the foot of a
    # column lead into nothing: body; the same lines with body under them
    # are a subhead
    from layoutkit.layout import classify

    def col(x: int, top: int, n: int, h: int = 30) -> list[BBox]:
        return [BBox(x, top + 45 * i, x + 360, top + 45 * i + h) for i in range(n)]

    body = col(0, 0, 20, 26)
    foot = col(0, 1000, 3, 31)
    leaves = [BBox.enclosing(body), BBox.enclosing(foot), BBox.enclosing(col(400, 0, 20, 26))]
    regions = classify(leaves, [body, foot, col(400, 0, 20, 26)], [], 800, 2000, [])
    assert regions[1].kind == BlockKind.BODY
    below = col(0, 1160, 10, 26)
    leaves2 = leaves[:2] + [BBox.enclosing(below)] + leaves[2:]
    regions = classify(leaves2, [body, foot, below, col(400, 0, 20, 26)], [], 800, 2000, [])
    assert regions[1].kind == BlockKind.SUBHEAD


def test_latin_reading_of_glyphs_as_wide_as_cjk_is_refused() -> None:
    from layoutkit.recognize import _letters_too_wide

    box = BBox(0, 0, 300, 40)
    wide = [Line("AK Gd", box, (Word("AK", BBox(0, 0, 80, 40), 50.0), Word("Gd", BBox(90, 0, 170, 40), 50.0)), 50.0)]
    assert _letters_too_wide(wide)
    normal = [Line("The city", box, (Word("The", BBox(0, 0, 54, 40), 90.0), Word("city", BBox(64, 0, 130, 40), 90.0)), 90.0)]
    assert not _letters_too_wide(normal)


def test_paper_texture_is_whitened_only_away_from_the_ink() -> None:
    from layoutkit.recognize import _crop, _whiten_paper

    gray = np.full((40, 100), 247, np.uint8)
    gray[10:30, 20:30] = 40                      # a stroke
    gray[10:30, 19] = 210                        # its soft edge
    binary = np.zeros_like(gray)
    binary[10:30, 20:30] = 255
    plain, x0, y0 = _crop(gray, BBox(0, 0, 100, 40), 0)
    crop = _whiten_paper(plain, binary, x0, y0)
    assert crop[5, 80] == 255                    # paper far from ink: white
    assert crop[15, 19] == 210 and crop[15, 25] == 40   # glyph and its edge kept
    assert plain[5, 80] == 247


def test_headlines_either_side_of_a_column_rule_stay_apart() -> None:
    from layoutkit.layout import _join_headline_pieces

    serif = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
    text, regions = _rendered_pieces([("Heat", serif, 20), ("Wave", serif, 230)])
    assert len(_join_headline_pieces(regions, text)) == 1
    gap_mid = (regions[0].bbox.x1 + regions[1].bbox.x0) // 2
    rule = BBox(gap_mid - 1, 0, gap_mid + 2, 200)
    assert len(_join_headline_pieces(regions, text, [rule])) == 2


def test_bold_headline_without_descenders_is_a_headline() -> None:
    # a bold one-column headline whose lines hold no descenders: its line
    # boxes are shorter than the body's (0.86), its x-height is not
    from layoutkit.layout import classify

    def col(x: int, top: int, n: int, h: int) -> list[BBox]:
        return [BBox(x, top + 45 * i, x + 360, top + 45 * i + h) for i in range(n)]

    body1, head, body2 = col(0, 0, 20, 33), col(0, 1000, 3, 28), col(0, 1160, 10, 33)
    lines = [body1, head, body2, col(400, 0, 30, 33)]
    leaves = [BBox.enclosing(ls) for ls in lines]
    strokes = [3.0, 4.2, 3.0, 3.0]
    # (x-heights: body 16 px, the headline's 17 px)
    got = classify(leaves, lines, [], 800, 2400, [], strokes=strokes, xsizes=[16.0, 17.0, 16.0, 16.0])
    assert got[1].kind == BlockKind.HEADLINE
    # without the x-height the short line boxes make it body
    got = classify(leaves, lines, [], 800, 2400, [], strokes=strokes)
    assert got[1].kind == BlockKind.BODY
