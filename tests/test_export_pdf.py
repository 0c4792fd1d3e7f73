"""Searchable PDF export: the text layer read back with poppler's
``pdftotext -raw`` (content-stream order) from PDFs built over real
rendered page images (conftest_export.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest_export import build, single_page
from layoutkit.export import pdf
from layoutkit.model import Document
from layoutkit.textutil import is_cjk_char

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Document, Path]:
    return build(tmp_path_factory.mktemp("pdf"))


def _pdftotext(data: bytes, tmp: Path, *args: str) -> str:
    p = tmp / "out.pdf"
    p.write_bytes(data)
    res = subprocess.run(["pdftotext", *args, str(p), "-"], capture_output=True, text=True, check=True)
    return res.stdout


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_chinese_page_text_layer_floor(built: tuple[Document, Path], tmp_path: Path) -> None:
    doc, src = built
    zh = single_page(doc, 1)
    text = _pdftotext(pdf.render(zh, source=str(src)), tmp_path, "-raw")
    # zero spaces between CJK characters (nor any space next to one)
    assert not re.search(CJK + r"[ \t\u3000]+" + CJK, text), text
    assert not re.search(CJK + r" | " + CJK, text)
    # every article whole, in reading order (line breaks are the only whitespace inside)
    flat = _nows(text)
    pos = -1
    for art in zh.articles:
        at = flat.find(_nows(art.text))
        assert at > pos, f"article {art.id} not found whole after position {pos}"
        pos = at


def test_latin_hyphenated_words_come_out_whole(built: tuple[Document, Path], tmp_path: Path) -> None:
    doc, src = built
    text = _pdftotext(pdf.render(single_page(doc, 2), source=str(src)), tmp_path, "-raw")
    for word in ("reconstruction", "traffic", "operation."):
        assert re.search(rf"\b{re.escape(word)}", text), word
    assert "recon-" not in text and "struction" not in text.replace("reconstruction", "")
    flat = " ".join(text.split())
    assert " ".join(doc.articles[2].text.split()) in flat
    # also in the default (physical layout) mode that viewers' copy resembles
    assert "reconstruction" in _pdftotext(pdf.render(single_page(doc, 2), source=str(src)), tmp_path)


def test_pdf_has_page_images_invisible_text_and_embedded_font(built: tuple[Document, Path], tmp_path: Path) -> None:
    doc, src = built
    data = pdf.render(doc, source=str(src))
    p = tmp_path / "doc.pdf"
    p.write_bytes(data)
    images = subprocess.run(["pdfimages", "-list", str(p)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in images.splitlines()[2:] if ln.strip()]
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [("1", "1000", "1400", "gray"), ("2", "1000", "1400", "gray")]
    fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
    body = [ln.split() for ln in fonts.splitlines()[2:] if ln.strip()]
    assert body and all(r[-5:-2] == ["yes", "yes", "yes"] for r in body), fonts  # emb, sub, ToUnicode
    info = subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+2\n", info) and "480 x 672 pts" in info  # 1000x1400 px at 150 dpi
    # invisible: text render mode 3 is set in every page content stream
    import pypdfium2 as pdfium

    pdoc = pdfium.PdfDocument(str(p))
    try:
        page = pdoc[0]
        bm = page.render(scale=150 / 72).to_numpy()
        tp = page.get_textpage()
        assert "城市公园" in tp.get_text_range()
    finally:
        pdoc.close()
    # the rendered page is the scan: white where the scan is white (no visible text drawn over it)
    assert abs(bm.shape[0] - 1400) <= 1 and abs(bm.shape[1] - 1000) <= 1
    assert bm[5:20, 5:900].min() >= 250


def test_pdf_words_sit_on_the_image(built: tuple[Document, Path], tmp_path: Path) -> None:
    doc, src = built
    zh = single_page(doc, 1)
    xml = _pdftotext(pdf.render(zh, source=str(src)), tmp_path, "-bbox")
    k = 72 / 150
    boxes = [tuple(float(v) for v in m.groups())
             for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', xml)]
    head = zh.pages[0].block("p1-b3").lines[0].bbox
    want = (head.x0 * k, head.top * k, head.x1 * k, head.bottom * k)
    assert any(all(abs(a - b) < 3 for a, b in zip(box, want, strict=True)) for box in boxes), want


def test_deskewed_page_image(built: tuple[Document, Path], tmp_path: Path) -> None:
    """A page with skew: the PDF shows the source rotated by Page.skew (the
    frame the boxes are in), not the source as it is."""
    doc, src = built
    zh = single_page(doc, 1)
    page = replace(zh.pages[0], skew=3.0)
    tilted = Document(zh.source, (page,), zh.articles)
    import pypdfium2 as pdfium

    from layoutkit.preprocess import deskew_image
    from layoutkit.sources import load_pages

    raw = next(iter(load_pages(src))).image
    want = deskew_image(raw, 3.0)
    p = tmp_path / "tilt.pdf"
    p.write_bytes(pdf.render(tilted, source=str(src)))
    pdoc = pdfium.PdfDocument(str(p))
    try:
        got = pdoc[0].render(scale=150 / 72, grayscale=True).to_numpy()
    finally:
        pdoc.close()
    got = got[..., 0] if got.ndim == 3 else got
    got = got[:1400, :1000]  # pdfium may round the bitmap up by a pixel
    diff_rot = np.abs(got.astype(int) - want.astype(int)).mean()
    diff_raw = np.abs(got.astype(int) - raw.astype(int)).mean()
    assert diff_rot < 2.0 < diff_raw


def test_born_digital_pdf_is_kept(tmp_path: Path, built: tuple[Document, Path]) -> None:
    from reportlab.pdfgen.canvas import Canvas

    src = tmp_path / "born.pdf"
    c = Canvas(str(src))
    c.drawString(72, 720, "Born digital text")
    c.save()
    doc, _ = built
    page = replace(doc.pages[1], path="text-layer")
    d = Document(str(src), (page,), doc.articles[2:])
    assert pdf.render(d, source=str(src)) == src.read_bytes()


def test_without_source_image_text_is_visible(built: tuple[Document, Path], tmp_path: Path) -> None:
    doc, _ = built
    d = Document(str(tmp_path / "gone.png"), doc.pages[:1], doc.articles[:2])
    data = pdf.render(d)
    text = _pdftotext(data, tmp_path, "-raw")
    assert doc.articles[0].headline in text
    import pypdfium2 as pdfium

    p = tmp_path / "vis.pdf"
    p.write_bytes(data)
    pdoc = pdfium.PdfDocument(str(p))
    try:
        bm = pdoc[0].render(scale=1).to_numpy()
    finally:
        pdoc.close()
    assert bm.min() < 128  # something is drawn


def test_line_text_hyphen_substitution(built: tuple[Document, Path]) -> None:
    doc, _ = built
    hyph = pdf.hyphen_parts(doc)
    b3 = doc.pages[1].block("p2-b3")
    b4 = doc.pages[1].block("p2-b4")
    assert pdf._line_text(b3, 1, b3.lines[1], hyph) == "Monday after a year of reconstruction"
    assert pdf._line_text(b3, 2, b3.lines[2], hyph) == "work, and the first"
    assert pdf._line_text(b3, 4, b3.lines[4], hyph) == "harbour authority said traffic"
    assert pdf._line_text(b4, 0, b4.lines[0], hyph) == "would return to normal by the"
    assert pdf._line_text(b4, 3, b4.lines[3], hyph) == ""
    assert all(not is_cjk_char(c) for c in pdf._line_text(b4, 2, b4.lines[2], hyph))


def test_jpeg_scan_is_embedded_unchanged(built: tuple[Document, Path], tmp_path: Path) -> None:
    from PIL import Image

    doc, src = built
    jpg = tmp_path / "scan.jpg"
    with Image.open(src) as im:
        im.convert("RGB").save(jpg, quality=80, dpi=(150, 150))
    zh = single_page(doc, 1)
    d = Document(str(jpg), zh.pages, zh.articles)
    data = pdf.render(d, source=str(jpg))
    assert jpg.read_bytes() in data  # DCT stream passed through, not re-encoded
    text = _pdftotext(data, tmp_path, "-raw")
    assert _nows(zh.articles[0].text) in _nows(text)


def test_vertical_cjk_lines(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    from layoutkit.model import Article, BBox, Block, BlockKind, Line, Page, Paragraph, Word

    img = Image.new("L", (600, 800), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 40, index=0)
    lines = []
    for ci, t in enumerate(["竖排文字第一列", "第二列继续读"]):
        x, y, ws = 500 - ci * 60, 50, []
        for ch in t:
            draw.text((x, y), ch, font=font, fill=0)
            ws.append(Word(ch, BBox(x, y, x + 40, y + 40), 90))
            y += 42
        lines.append(Line(t, BBox.enclosing(w.bbox for w in ws), tuple(ws), 90))
    src = tmp_path / "vert.png"
    img.save(src, dpi=(150, 150))
    blk = Block("p1-b1", BlockKind.BODY, BBox.enclosing(ln.bbox for ln in lines), tuple(lines), vertical=True)
    art = Article("a1", "", (Paragraph("竖排文字第一列第二列继续读", BlockKind.BODY, ("p1-b1",)),), ("p1-b1",))
    doc = Document(str(src), (Page(1, 600, 800, 150, (blk,)),), (art,))
    data = pdf.render(doc)
    assert _pdftotext(data, tmp_path, "-raw").split() == ["竖排文字第一列", "第二列继续读"]
    xml = _pdftotext(data, tmp_path, "-bbox")
    m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">竖排', xml)
    assert m is not None
    x0, y0, x1, y1 = (float(v) / (72 / 150) for v in m.groups())
    assert abs(x0 - 500) < 4 and abs(x1 - 540) < 4 and abs(y0 - 50) < 4 and abs(y1 - 342) < 6


def test_no_pages_is_a_usage_error() -> None:
    from layoutkit.errors import UsageError

    with pytest.raises(UsageError, match="no pages"):
        pdf.render(Document("extracted.txt"))
