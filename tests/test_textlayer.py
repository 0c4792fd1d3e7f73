"""Text-layer path for born-digital and mixed PDFs (issue 5).

The PDFs are written here with reportlab (embedded WenQuanYi Zen Hei for CJK,
DejaVu Sans for Latin) or by hand where reportlab cannot produce the defect
(no pages, no ToUnicode map, truncation).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
LATIN_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

HEADLINE = "区委常委会召开会议"
PARAS = [
    "本报讯（记者 吴梦婷）12月23日，区委常委会召开会议，传达学习习近平总书记近期重要讲话重要指示精神，"
    "传达学习省委十四届五次全会精神、省委经济工作会议精神等，并讨论研究有关文件。",
    "会议学习贯彻了中央经济工作会议重要精神、习近平总书记对低温雨雪冰冻灾害防范应对工作作出的重要指示。"
    "会议强调，全区上下要切实把思想和行动统一到习近平总书记的重要讲话和重要指示精神上来，"
    "以高度的责任感、使命感、紧迫感，全力以赴冲刺完成全年各项目标任务。",
    "要深刻把握新时代做好经济工作“五个必须”的规律性认识，结合实际谋准、谋深、谋实明年各项工作任务，"
    "着力强内需扩开放、谋创新促转型、抓融合优生态、防风险惠民生，持续推动经济实现质的有效提升和量的合理增长。",
]


def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
        pdfmetrics.registerFont(TTFont("DejaVu", LATIN_FONT))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", LATIN_BOLD))
        pdfmetrics.registerFont(TTFont("WQYMono", CJK_FONT, subfontIndex=1))


def wrap_cjk(text: str, per_line: int) -> list[str]:
    """Cut ``text`` into lines of ``per_line`` characters, no punctuation at a line start."""
    from layoutkit.textutil import NO_LINE_START

    lines, cur = [], ""
    for ch in text:
        if len(cur) >= per_line and ch not in NO_LINE_START:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def draw_cjk_columns(c, paras: list[str], *, x0: float, top: float, col_w: float, gutter: float,
                     ncols: int, bottom: float, size: float = 10.5, per_char: bool = False) -> None:
    """Typeset paragraphs (2-em indent) into ``ncols`` columns, top to bottom
    then left to right; every line but a paragraph's last is justified."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    per_line = int(col_w // size)
    lines: list[tuple[str, bool]] = []
    for p in paras:
        chunk = wrap_cjk("\u3000\u3000" + p, per_line)
        lines.extend((ln, i == len(chunk) - 1) for i, ln in enumerate(chunk))
    lead = size * 1.5
    rows = int((top - bottom) // lead)
    for i, (ln, last) in enumerate(lines):
        col, row = divmod(i, rows)
        assert col < ncols, "text does not fit"
        x, y = x0 + col * (col_w + gutter), top - row * lead
        natural = stringWidth(ln, "WQY", size)
        extra = 0.0 if last or len(ln) < 2 else max(0.0, (col_w - natural) / (len(ln) - 1))
        c.setFont("WQY", size)
        if per_char:
            for ch in ln:  # one string per character, at its own advance
                c.drawString(x, y, ch)
                x += stringWidth(ch, "WQY", size) + extra
        else:
            c.drawString(x, y, ln, charSpace=extra)


def make_cjk_page(c, *, per_char: bool = False, ncols: int = 2, headline: str = HEADLINE) -> None:
    """An A4 page: a 2-column headline over an article set in ``ncols`` columns."""
    _fonts()
    c.setFont("WQY", 26)
    c.drawString(60, 770, headline)
    draw_cjk_columns(c, PARAS, x0=60, top=730, col_w=220, gutter=20, ncols=ncols, bottom=500,
                     per_char=per_char)


# ---------------------------------------------------------------- PDF builders


def pdf_2col(path: Path, *, per_char: bool = False) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    make_cjk_page(c, per_char=per_char)
    c.showPage()
    c.save()
    return path


LATIN_PARAS = [
    "The committee met on Tuesday to discuss the budget for the coming year and agreed to "
    "raise spending on schools, roads and the harbour by a modest amount.",
    "Opponents said the plan was unaffordable, while supporters pointed to the rising number "
    "of families moving into the district over the last decade.",
]


def wrap_latin(text: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if cur and stringWidth(trial, font, size) > width:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    lines.append(cur)
    return lines


def pdf_latin_2col(path: Path) -> Path:
    """A bold headline over two justified-ish Latin columns."""
    from reportlab.pdfgen import canvas

    _fonts()
    c = canvas.Canvas(str(path))
    c.setFont("DejaVu-Bold", 22)
    c.drawString(60, 770, "Council backs new budget")
    lines = []
    for p in LATIN_PARAS:
        lines.extend(wrap_latin(p, 220, "DejaVu", 10))
    rows = 6
    for i, ln in enumerate(lines):
        col, row = divmod(i, rows)
        c.setFont("DejaVu", 10)
        c.drawString(60 + col * 240, 730 - row * 14, ln)
    c.showPage()
    c.save()
    return path


def page_image(text_lines: list[str], size=(1240, 1754), font_px: int = 48):
    """A 150-dpi 'scan' (PIL image) of a few CJK lines."""
    from PIL import Image, ImageDraw, ImageFont

    im = Image.new("L", size, 255)
    d = ImageDraw.Draw(im)
    f = ImageFont.truetype(CJK_FONT, font_px, index=0)
    for i, t in enumerate(text_lines):
        d.text((120, 200 + i * font_px * 2), t, font=f, fill=0)
    return im


def draw_scan(c, im) -> None:
    from reportlab.lib.utils import ImageReader

    w, h = c._pagesize
    c.drawImage(ImageReader(im), 0, 0, w, h)


def pdf_mixed(path: Path) -> Path:
    """Page 1 born-digital, 2 scanned (image only), 3 scan + invisible OCR
    layer, 4 no-ToUnicode text (patched below), 5 blank."""
    from reportlab.pdfgen import canvas

    _fonts()
    c = canvas.Canvas(str(path), pageCompression=0)
    make_cjk_page(c)
    c.showPage()
    draw_scan(c, page_image(["扫描页面第一行文字", "扫描页面第二行文字"]))
    c.showPage()
    draw_scan(c, page_image(["图像上面有隐藏文字"]))
    t = c.beginText()
    t.setTextRenderMode(3)
    t.setFont("WQY", 23)
    t.setTextOrigin(58, 842 - 200 * 72 / 150 - 23)
    t.textLine("图像上面有隐藏文字")
    c.drawText(t)
    c.showPage()
    c.setFont("DejaVu", 12)
    c.drawString(72, 760, "Page four")
    c.setFont("WQYMono", 14)
    c.drawString(72, 700, "没有映射表的字体文字内容在这里出现很多次" * 2)
    c.showPage()
    c.showPage()
    c.save()
    return path


def strip_tounicode(src: Path, dst: Path, font_marker: bytes = b"WenQuanYi") -> Path:
    """Rename /ToUnicode of the fonts whose dict names ``font_marker`` (same
    length, so the xref stays valid): pdfium then cannot map the glyphs."""
    data = src.read_bytes()
    out = bytearray()
    pos = 0
    for m in re.finditer(rb"<<[^<>]*?/BaseFont /[A-Z]{6}\+(\S+)[^<>]*?>>", data):
        if font_marker in m.group(1):
            seg = data[m.start():m.end()].replace(b"/ToUnicode", b"/ToUnicodX")
            out += data[pos:m.start()] + seg
            pos = m.end()
    out += data[pos:]
    dst.write_bytes(bytes(out))
    return dst


def write_raw_pdf(path: Path, objects: list[bytes]) -> Path:
    """A minimal PDF from object bodies (object 1 must be the catalog)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def pdfdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("textlayer")


@pytest.fixture(scope="module")
def mixed_pdf(pdfdir: Path) -> Path:
    raw = pdf_mixed(pdfdir / "mixed-raw.pdf")
    return strip_tounicode(raw, pdfdir / "mixed.pdf", b"Mono")


def body_text(page) -> str:
    from layoutkit.model import BlockKind

    return "".join(b.text.replace("\n", "") for b in page.blocks if b.kind == BlockKind.BODY)


def convert(path: Path, **kw):
    from layoutkit.options import ConvertOptions
    from layoutkit.textlayer import pdf_pages

    return list(pdf_pages(path, ConvertOptions(**kw)))


# ---------------------------------------------------------------- born-digital pages


@pytest.mark.parametrize("per_char", [False, True], ids=["string-per-line", "string-per-char"])
def test_two_column_cjk_page_reads_in_order(pdfdir: Path, per_char: bool) -> None:
    from layoutkit.model import BlockKind

    (page,) = convert(pdf_2col(pdfdir / f"cjk-{per_char}.pdf", per_char=per_char))
    assert page.path == "text-layer" and page.engine == "pdf text layer"
    assert page.message.startswith("text layer:")
    assert page.width == 2480 and page.height == 3508  # A4 at 300 dpi
    heads = [b for b in page.blocks if b.kind == BlockKind.HEADLINE]
    assert [b.text for b in heads] == [HEADLINE]
    assert page.blocks[0].kind == BlockKind.HEADLINE
    bodies = [b for b in page.blocks if b.kind == BlockKind.BODY]
    assert len(bodies) == 2 and bodies[0].bbox.x1 < bodies[1].bbox.x0  # two columns, left first
    # every line stays inside its column; text is exact, full-width punctuation as printed
    assert body_text(page) == "".join(PARAS)  # the printed space in the byline is kept
    assert "“五个必须”" in body_text(page)
    words = [w for b in bodies for ln in b.lines for w in ln.words]
    assert all(w.confidence == 100.0 and w.font_size == pytest.approx(10.5 * 300 / 72, rel=0.02) for w in words)
    assert heads[0].lines[0].words[0].font_size == pytest.approx(26 * 300 / 72, rel=0.02)


def test_latin_columns_bold_headline_and_spaces(pdfdir: Path) -> None:
    from layoutkit.model import BlockKind

    (page,) = convert(pdf_latin_2col(pdfdir / "latin.pdf"), dpi=150)
    head = page.blocks[0]
    assert head.kind == BlockKind.HEADLINE and head.text == "Council backs new budget"
    assert all(w.bold for w in head.lines[0].words)
    body_lines = [ln for b in page.blocks if b.kind == BlockKind.BODY for ln in b.lines]
    assert not any(w.bold for ln in body_lines for w in ln.words)
    # no line crosses the gutter, words single-spaced
    assert all(ln.bbox.x1 < 290 * 150 / 72 or ln.bbox.x0 > 290 * 150 / 72 for ln in body_lines)
    text = " ".join(ln.text for ln in body_lines)
    assert text == " ".join(LATIN_PARAS)


def test_rotated_pages_are_upright_and_boxes_on_ink(pdfdir: Path) -> None:
    """/Rotate 0/90/180/270 with content drawn to look upright: same lines,
    boxes where the rendered page has ink."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    _fonts()
    path = pdfdir / "rotated.pdf"
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for rot in (0, 90, 180, 270):
        c.setPageRotation(rot)  # reportlab swaps the media box for 90/270
        w, h = (842, 595) if rot in (90, 270) else (595, 842)
        c.saveState()
        if rot == 90:
            c.rotate(90)
            c.translate(0, -w)
        elif rot == 180:
            c.translate(w, h)
            c.rotate(180)
        elif rot == 270:
            c.rotate(-90)
            c.translate(-h, 0)
        c.setFont("WQY", 20)
        c.drawString(60, 700, "旋转页面")
        c.setFont("DejaVu", 12)
        c.drawString(60, 670, "Rotated page")
        c.restoreState()
        c.showPage()
    c.save()
    pages = convert(path, dpi=100)
    doc = pdfium.PdfDocument(str(path))
    try:
        for i, pg in enumerate(pages):
            assert doc[i].get_rotation() == (0, 90, 180, 270)[i]
            lines = [ln for b in pg.blocks for ln in b.lines]
            assert [ln.text for ln in lines] == ["旋转页面", "Rotated page"]
            assert not any(b.vertical for b in pg.blocks)
            ink = doc[i].render(scale=100 / 72, grayscale=True).to_numpy() < 128
            for ln in lines:
                b = ln.bbox
                assert ink[b.top:b.bottom, b.x0:b.x1].sum() > 0.1 * b.area / 4
            ys, xs = np.nonzero(ink)
            union = lines[0].bbox.union(lines[1].bbox)
            assert union.x0 - 3 <= xs.min() and xs.max() <= union.x1 + 3
            assert union.top - 3 <= ys.min() and ys.max() <= union.bottom + 3
    finally:
        doc.close()


def test_crop_box_shifts_origin(pdfdir: Path) -> None:
    import pypdfium2 as pdfium

    src = pdf_2col(pdfdir / "crop-src.pdf")
    doc = pdfium.PdfDocument(str(src))
    doc[0].set_cropbox(50, 400, 545, 800)
    dst = pdfdir / "cropped.pdf"
    doc.save(str(dst))
    doc.close()
    (full,) = convert(src, dpi=72)
    (crop,) = convert(dst, dpi=72)
    assert (crop.width, crop.height) == (495, 400)
    h_full = full.blocks[0].lines[0].bbox
    h_crop = crop.blocks[0].lines[0].bbox
    assert abs((h_full.x0 - 50) - h_crop.x0) <= 1 and abs((h_full.top - 42) - h_crop.top) <= 1


def test_vertical_writing_detected_and_read_right_to_left(pdfdir: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light", "UniGB-UCS2-V"))
    path = pdfdir / "vertical.pdf"
    c = canvas.Canvas(str(path))
    cols = ["竖排文字第一列内容", "第二列从右往左读", "第三列结束了。"]
    for i, t in enumerate(cols):
        c.setFont("STSong-Light", 16)
        c.drawString(480 - i * 24, 760, t)
    c.showPage()
    c.save()
    (page,) = convert(path)
    assert "vertical writing" in page.message
    blocks = [b for b in page.blocks if b.lines]
    assert blocks and all(b.vertical for b in blocks)
    lines = [ln for b in blocks for ln in b.lines]
    assert [ln.text for ln in lines] == cols
    assert all(ln.bbox.height > 4 * ln.bbox.width for ln in lines)


# ---------------------------------------------------------------- decisions


def test_mixed_pdf_every_page_takes_the_right_path(mixed_pdf: Path) -> None:
    from layoutkit.textlayer import plan_pages

    plan = plan_pages(mixed_pdf)
    assert [(n, action) for n, action, _ in plan] == [
        (1, "text-layer"), (2, "ocr"), (3, "text-layer"), (4, "ocr"), (5, "empty")]
    reasons = [r for _, _, r in plan]
    assert reasons[0].startswith("text layer:")
    assert "no text layer" in reasons[1]
    assert "invisible OCR text layer" in reasons[2]
    assert "no Unicode mapping" in reasons[3] and "WenQuanYiZenHeiMono" in reasons[3]
    assert "blank" in reasons[4]
    never = plan_pages(mixed_pdf, __import__("layoutkit.options", fromlist=["x"]).ConvertOptions(ocr="never"))
    assert [a for _, a, _ in never] == ["text-layer", "empty", "text-layer", "text-layer", "empty"]


def test_ocr_never_keeps_text_and_drops_unmapped(mixed_pdf: Path) -> None:
    pages = convert(mixed_pdf, ocr="never", dpi=100)
    assert [p.path for p in pages] == ["text-layer"] * 5
    assert [str(p.status) for p in pages] == ["ok", "empty", "ok", "ok", "empty"]
    assert "--ocr never" in pages[1].message
    ocr_layer = pages[2]
    assert "invisible OCR text layer" in ocr_layer.message and "kept" in ocr_layer.message
    assert ocr_layer.blocks[0].text == "图像上面有隐藏文字"
    assert all(w.confidence == -1.0 for b in ocr_layer.blocks for ln in b.lines for w in ln.words)
    p4 = pages[3]
    assert "Page four" in "\n".join(b.text for b in p4.blocks)
    assert not any(ord(ch) < 32 for b in p4.blocks for ch in b.text)


def test_text_under_full_page_image_is_an_ocr_layer(pdfdir: Path) -> None:
    from reportlab.pdfgen import canvas

    from layoutkit.textlayer import plan_pages

    _fonts()
    path = pdfdir / "under.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("WQY", 23)
    c.drawString(58, 842 - 96 - 23, "图像下面的文字")
    draw_scan(c, page_image(["图像下面的文字"]))
    c.showPage()
    c.save()
    ((_, action, reason),) = plan_pages(path)
    assert action == "text-layer" and "under a full-page image" in reason


def test_text_covering_little_of_the_ink_is_unusable(pdfdir: Path) -> None:
    """A page whose body is outlines (filled paths), with one real text line."""
    from reportlab.pdfgen import canvas

    from layoutkit.textlayer import plan_pages

    _fonts()
    path = pdfdir / "outlines.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("WQY", 12)
    c.drawString(60, 780, "只有这一行是真正的文字")
    for row in range(40):
        for col in range(30):  # glyph-like blobs, as outlined text would be
            c.rect(60 + col * 16, 740 - row * 16, 9, 10, stroke=0, fill=1)
    c.showPage()
    c.save()
    ((_, action, reason),) = plan_pages(path)
    assert action == "ocr" and "covers only" in reason


# ---------------------------------------------------------------- bad PDFs


def _bad_input(path: Path, **kw) -> str:
    from layoutkit.errors import BadInput

    with pytest.raises(BadInput) as info:
        convert(path, **kw)
    msg = str(info.value)
    assert "\n" not in msg and str(path) in msg
    return msg


def test_encrypted_with_user_password_is_a_clear_error(pdfdir: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    _fonts()
    path = pdfdir / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("secret", ownerPassword="owner"))
    c.setFont("WQY", 12)
    c.drawString(72, 700, "加密文件")
    c.showPage()
    c.save()
    assert "encrypted" in _bad_input(path) and "decrypt" in _bad_input(path)


def test_encrypted_with_empty_user_password_opens(pdfdir: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    _fonts()
    path = pdfdir / "owner-only.pdf"
    c = canvas.Canvas(str(path), encrypt=StandardEncryption("", ownerPassword="owner", canCopy=0))
    c.setFont("WQY", 12)
    c.drawString(72, 700, "只有所有者密码")
    c.showPage()
    c.save()
    assert b"/Encrypt" in path.read_bytes()
    (page,) = convert(path)
    assert page.path == "text-layer" and page.blocks[0].text == "只有所有者密码"


def test_zero_pages_and_huge_pages(pdfdir: Path) -> None:
    empty = write_raw_pdf(pdfdir / "nopages.pdf", [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])
    assert "no pages" in _bad_input(empty)
    huge = write_raw_pdf(pdfdir / "huge.pdf", [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14000 14000] >>"])
    msg = _bad_input(huge)
    assert "too large" in msg and "--dpi" in msg


@pytest.mark.parametrize("keep", [0.97, 0.6, 0.2, 0.02])
def test_truncated_pdf_gives_a_result_or_a_one_line_error(pdfdir: Path, keep: float) -> None:
    from layoutkit.errors import BadInput

    data = pdf_2col(pdfdir / "whole.pdf").read_bytes()
    path = pdfdir / f"cut-{keep}.pdf"
    path.write_bytes(data[: max(10, int(len(data) * keep))])
    try:
        pages = convert(path, ocr="never")
    except BadInput as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)
    else:
        assert len(pages) == 1 and pages[0].path == "text-layer"


def test_garbage_after_header_is_bad_input(pdfdir: Path) -> None:
    path = pdfdir / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    assert "corrupt" in _bad_input(path)


# ---------------------------------------------------------------- through the pipeline


def test_born_digital_pdf_needs_no_engine(pdfdir: Path) -> None:
    """The OCR engine is created lazily: an engine name that does not exist is
    never looked up for a born-digital file."""
    pytest.importorskip("layoutkit.repair")
    from layoutkit.options import ConvertOptions
    from layoutkit.pipeline import convert_file

    for per_char in (False, True):
        path = pdf_2col(pdfdir / f"pipe-{per_char}.pdf", per_char=per_char)
        doc = convert_file(path, ConvertOptions(engine="no-such-engine"))
        assert [p.path for p in doc.pages] == ["text-layer"]
        (art,) = doc.articles
        # the article is intact and exact; the paragraph cut by the column end is joined
        assert art.text == "\n".join([HEADLINE, *PARAS])
        assert [j.kind.value for j in art.joins].count("column") == 1


@pytest.mark.tesseract
def test_mixed_pdf_pages_ocr_only_where_needed(mixed_pdf: Path) -> None:
    """Real Tesseract on the scanned and the unmappable page only."""
    from layoutkit.model import Document

    doc = Document(str(mixed_pdf), tuple(convert(mixed_pdf, languages="chi_sim", dpi=150)))
    assert [p.path for p in doc.pages] == ["text-layer", "ocr", "text-layer", "ocr", "text-layer"]
    assert [str(p.status) for p in doc.pages] == ["ok", "ok", "ok", "ok", "empty"]
    assert doc.pages[1].message.startswith("OCR: no text layer")
    assert doc.pages[3].message.startswith("OCR: text layer unusable")
    scanned = "".join(b.text for b in doc.pages[1].blocks).replace(" ", "")
    assert "扫描页面" in scanned
