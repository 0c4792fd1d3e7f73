"""Layout of born-digital pages from their text layer: regressions found on
generated fixture PDFs (issue 5), each reproduced here on a small page
written with reportlab (DejaVu fonts, real text, no OCR).

Causes covered:

- a one-column bold headline, its deck and the body set without white
  between them formed one block (headline, deck and body are told apart
  by the exact PDF font size and weight);
- two headlines side by side in different sizes, closer than a word space
  of the larger type, were read as one line;
- word spaces of justified lines that line up into a white "river" were
  taken for a gutter and cut lines in two;
- a deck larger than the body, centred over several columns, was cut off
  with the first column instead of following its headline;
- a byline under a caption was taken for a second caption;
- a small one-column headline (1.2 x the body, regular weight) was a subhead;
- a wide white gap under a caption cut an article from its own body when a
  short article stood beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest_pdf import NoEngine
from layoutkit.model import BlockKind, Document
from layoutkit.options import ConvertOptions
from layoutkit.pipeline import convert_file

SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
SERIF_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"

WORDS = (
    "the council voted seven to two on tuesday to approve a long term plan that would expand bus "
    "service rebuild three downtown stations and add protected bicycle lanes along the busiest "
    "corridors of the city while opponents warned that the cost of the work could rise sharply"
).split()

PAGE_H = 792.0




def _fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "LKTSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("LKTSerif", SERIF))
        pdfmetrics.registerFont(TTFont("LKTSerif-Bold", SERIF_BOLD))


def _wrap(words: list[str], width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase import pdfmetrics

    lines: list[str] = []
    cur = ""
    for w in words:
        t = f"{cur} {w}" if cur else w
        if cur and pdfmetrics.stringWidth(t, font, size) > width:
            lines.append(cur)
            cur = w
        else:
            cur = t
    if cur:
        lines.append(cur)
    return lines


class Page:
    """A one-page PDF drawn line by line; ``top`` is the distance of a
    line's top from the top of the page, in points."""

    def __init__(self, path: Path) -> None:
        from reportlab.pdfgen import canvas

        _fonts()
        self.path = path
        self.c = canvas.Canvas(str(path), pagesize=(612, PAGE_H), invariant=1)

    def text(self, s: str, x: float, top: float, size: float, bold: bool = False,
             char_space: float = 0.0) -> None:
        t = self.c.beginText()
        t.setFont("LKTSerif-Bold" if bold else "LKTSerif", size)
        t.setCharSpace(char_space)
        t.setTextOrigin(x, PAGE_H - top - 0.8 * size)
        t.textOut(s)
        self.c.drawText(t)

    def centred(self, s: str, x0: float, x1: float, top: float, size: float, bold: bool = False) -> None:
        from reportlab.pdfbase import pdfmetrics

        w = pdfmetrics.stringWidth(s, "LKTSerif-Bold" if bold else "LKTSerif", size)
        self.text(s, x0 + (x1 - x0 - w) / 2, top, size, bold)

    def column(self, words: list[str], x: float, top: float, width: float, size: float = 9.0,
               leading: float = 11.0, n: int | None = None) -> float:
        """Body text wrapped into a column; returns the bottom (points from the top)."""
        lines = _wrap(words, width, "LKTSerif", size)[:n]
        for i, ln in enumerate(lines):
            self.text(ln, x, top + i * leading, size)
        return top + len(lines) * leading

    def photo(self, x: float, top: float, w: float, h: float) -> None:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        img = Image.new("L", (64, 48), 90)
        self.c.drawImage(ImageReader(img), x, PAGE_H - top - h, w, h)

    def save(self) -> Path:
        self.c.showPage()
        self.c.save()
        return self.path


def _convert(pdf: Path) -> Document:
    doc = convert_file(pdf, ConvertOptions(), engine=NoEngine())  # type: ignore[arg-type]
    assert all(p.path == "text-layer" for p in doc.pages)
    return doc


def _blocks(doc: Document) -> list[tuple[BlockKind, str]]:
    return [(b.kind, " | ".join(ln.text for ln in b.lines)) for b in doc.pages[0].blocks]


def _body(seed: int, n: int = 60) -> list[str]:
    return [WORDS[(seed + 7 * i) % len(WORDS)] for i in range(n)]


def test_bold_headline_deck_and_body_without_white_are_separate_blocks(tmp_path: Path) -> None:
    """en-lines-s501: four lines of bold 9.3 pt headline, three of regular
    9.3 pt deck and the 9 pt body follow each other at the body's leading;
    the headline (and its deck) must open the second article."""
    pg = Page(tmp_path / "deck.pdf")
    pg.centred("Mayor Opens New Library", 40, 572, 40, 22, bold=True)
    pg.column(_body(0, 200), 40, 80, 120, n=24)
    y = 80.0
    for s in ("City Council", "Approves", "Long-Term Transit", "Plan"):
        pg.text(s, 172, y, 9.3, bold=True)
        y += 11
    for s in ("Critics say the", "measure does not go", "far enough"):
        pg.text(s, 172, y, 9.3)
        y += 11
    pg.column(_body(3, 200), 172, y + 2, 120, n=17)
    doc = _convert(pg.save())
    blocks = _blocks(doc)
    heads = [t for k, t in blocks if k == BlockKind.HEADLINE]
    assert any(t.startswith("City Council") for t in heads), blocks
    assert not any("Critics" in t for k, t in blocks if k == BlockKind.BODY), blocks
    assert len(doc.articles) == 2
    second = doc.articles[1]
    assert second.headline.startswith("City Council Approves Long-Term Transit Plan")
    assert "far enough" in second.headline


def test_headlines_side_by_side_in_two_sizes_are_two_lines(tmp_path: Path) -> None:
    """en-lines-s601: the first headline runs to 5 pt before the second one,
    closer than a word space of its 16 pt type."""
    from reportlab.pdfbase import pdfmetrics

    pg = Page(tmp_path / "side.pdf")
    left = "Museum Reopens After Two-Year"
    w = pdfmetrics.stringWidth(left, "LKTSerif-Bold", 16)
    pg.text(left, 40, 60, 16, bold=True)
    pg.text("New Telescope Captures", 40 + w + 5, 62, 12.5, bold=True)
    pg.column(_body(1), 40, 100, 250, n=6)
    pg.column(_body(2), 40 + w + 5, 100, 200, n=6)
    texts = _line_texts(pg.save())
    assert left in texts and "New Telescope Captures" in texts, texts


def test_justified_word_spaces_in_a_river_do_not_cut_lines(tmp_path: Path) -> None:
    """en-chars-s1000: wide word spaces of three justified rows overlap in a
    white channel, but the words beside them do not line up as column
    edges do: the lines stay whole."""
    from reportlab.pdfbase import pdfmetrics

    pg = Page(tmp_path / "river.pdf")
    size, x0 = 9.0, 40.0
    rows = [("weekend as a", "cold"), ("front moves in", "from"), ("the long rain", "here"),
            ("and farmers", "said")]
    width = 60.0  # the left parts end at 60, 63, 66 and 69 pt from the column edge
    ends, starts = (0.0, 3.0, 6.0, 9.0), (12.0, 16.0, 20.0, 14.0)
    for i, (a, b) in enumerate(rows):
        top = 100 + i * 11
        natural = pdfmetrics.stringWidth(a, "LKTSerif", size)
        pg.text(a, x0, top, size, char_space=(width + ends[i] - natural) / (len(a) - 1))
        pg.text(b, x0 + width + starts[i], top, size)
        pg.text(" ".join(_body(i, 5)), 172, top, size)  # the next column
    texts = _line_texts(pg.save())
    for a, b in rows:
        assert f"{a} {b}" in texts, texts


def test_deck_centred_over_columns_follows_its_headline(tmp_path: Path) -> None:
    """en-lines-s301: an 11.3 pt deck (1.26 x the body) centred over four
    columns (clear of the first gutter), 6 pt under a 22 pt headline, must
    not be cut off with the first column."""
    pg = Page(tmp_path / "band.pdf")
    pg.centred("County Expands Mental Health Services", 40, 568, 60, 22, bold=True)
    pg.centred("Officials urge residents to get vaccinated", 40, 568, 92, 11.3)
    for k in range(4):
        pg.column(_body(k, 200), 40 + k * 132, 114, 120, n=14)
    doc = _convert(pg.save())
    blocks = _blocks(doc)
    kinds = [k for k, _ in blocks]
    deck = next(i for i, (_, t) in enumerate(blocks) if t.startswith("Officials"))
    assert kinds[deck] == BlockKind.HEADLINE, blocks
    assert deck < min(i for i, k in enumerate(kinds) if k == BlockKind.BODY), blocks
    assert doc.articles[0].headline == "County Expands Mental Health Services Officials urge residents to get vaccinated"


def test_byline_under_a_caption_is_not_a_caption(tmp_path: Path) -> None:
    """en-lines-s2: the bold byline 12 pt under the caption of a photo."""
    pg = Page(tmp_path / "byline.pdf")
    pg.text("Drought Conditions Ease", 40, 40, 20, bold=True)
    pg.photo(40, 70, 120, 80)
    pg.text("Photo: Residents fill sandbags.", 40, 153, 7.5)
    pg.text("By Anna Lindqvist", 40, 172, 8, bold=True)
    pg.column(_body(4, 200), 40, 184, 120, n=20)
    pg.column(_body(5, 200), 172, 70, 120, n=30)
    doc = _convert(pg.save())
    blocks = _blocks(doc)
    assert [t for k, t in blocks if k == BlockKind.CAPTION] == ["Photo: Residents fill sandbags."], blocks
    art = doc.articles[0]
    assert art.paragraphs[0].text == "By Anna Lindqvist"


def test_small_regular_headline_opening_a_column_is_a_headline(tmp_path: Path) -> None:
    """zh-lines-s301: a two-line kicker and a two-line headline at 1.2 x the
    body, regular weight, 2 em under the end of another article's column."""
    pg = Page(tmp_path / "small.pdf")
    pg.centred("Rivers Cleaner Than Ever", 40, 304, 40, 22, bold=True)
    bottom = pg.column(_body(6, 200), 40, 76, 120, n=12)
    pg.column(_body(7, 200), 172, 76, 120, n=30)
    y = bottom + 20
    for s in ("Findings published", "in a journal"):
        pg.text(s, 40, y, 9.3)
        y += 11.5
    y += 3
    for s in ("Team Reports Storage", "Material Advance"):
        pg.text(s, 40, y, 10.8)
        y += 13
    pg.column(_body(8, 200), 40, y + 6, 120, n=12)
    doc = _convert(pg.save())
    heads = [a.headline for a in doc.articles]
    assert "Findings published in a journal Team Reports Storage Material Advance" in heads, (heads, _blocks(doc))


def test_white_under_a_caption_does_not_cut_an_article_from_its_body(tmp_path: Path) -> None:
    """en-chars-s1000: an article over three columns (headline, wide photo,
    caption, 2 em of white, body) beside a short one-column article; the
    white gap under the caption runs across the whole region."""
    pg = Page(tmp_path / "gap.pdf")
    pg.text("State Budget Passes After Session", 40, 40, 20, bold=True)
    pg.photo(40, 70, 384, 160)
    pg.text("Photo: Council members listen to comment.", 40, 234, 7.5)
    for k in range(3):
        pg.column(_body(11 + k, 200), 40 + k * 132, 266, 120, n=20)
    pg.text("Hospital Opens", 436, 40, 9.5, bold=True)
    pg.text("Rural Clinic", 436, 51, 9.5, bold=True)
    pg.column(_body(15, 200), 436, 66, 120, n=12)
    doc = _convert(pg.save())
    heads = [a.headline for a in doc.articles]
    assert heads == ["State Budget Passes After Session", "Hospital Opens Rural Clinic"], (heads, _blocks(doc))
    kind = {b.id: b.kind for b in doc.pages[0].blocks}
    n_body = sum(1 for i in doc.articles[0].block_ids if kind[i] == BlockKind.BODY)
    assert n_body >= 3, _blocks(doc)


@pytest.mark.parametrize("a,b,gap,cut", [(16, 12.5, 5, True), (9, 9, 5, False), (9, 8, 2, False), (9, 8, 8, True)])
def test_size_change_rule(a: float, b: float, gap: float, cut: bool) -> None:
    """The row cut at a size change: a large step across a word space of
    the smaller type, a small one only across more than any word space."""
    from layoutkit.pdfchars import PdfChar
    from layoutkit.textlayer import _Item, _size_change

    def item(size: float) -> _Item:
        ch = PdfChar("a", 0, 0, 1, size, size, "F", False, False, 0)
        return _Item(0, 0, 1, size, size, ch, False)

    assert _size_change(item(a), item(b), gap) is cut


def _line_texts(pdf: Path) -> list[str]:
    """The text-layer lines of the first page of ``pdf``."""
    import pypdfium2 as pdfium

    from layoutkit.pdfchars import extract_page
    from layoutkit.textlayer import build_lines

    d = pdfium.PdfDocument(str(pdf))
    try:
        data = extract_page(d[0], 1, 300, pdf)
    finally:
        d.close()
    lines, _ = build_lines(data)
    return [ln.text for ln in lines]
