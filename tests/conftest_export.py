"""A hand-built two-page Document and the page images it describes, for the
export tests.

Page 1 is Chinese (header, rule, two articles, a paragraph continued from
column 1 into column 2, a photo with a caption, a page-number footer);
page 2 is English (headline, byline, a paragraph continued across columns
with a break hyphen inside a column and one across the column break).
Every word box is where PIL drew the word, so the searchable PDF can be
checked against the real image.  Coordinates: page pixels at 150 dpi.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from layoutkit.model import (
    Article,
    BBox,
    Block,
    BlockKind,
    Document,
    Join,
    JoinKind,
    Line,
    Page,
    Paragraph,
    Word,
)

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
W, H, DPI = 1000, 1400, 150

ZH_A1_HEAD = "城市公园今年新增绿地三百公顷"
ZH_A1_P1 = "本报讯记者从市园林局获悉，今年全市计划新建和改造公园二十座，新增绿地三百公顷。"
ZH_A1_P2 = ("园林局负责人介绍，新建公园将优先安排在老城区和人口密集的街道，让居民出门五百米就能见到绿色。"
            "部分公园还将增设健身步道和儿童游乐设施，方便附近居民休闲锻炼。")
ZH_A1_CAP = "图为正在建设中的滨河公园"
ZH_A2_HEAD = "地铁五号线进入试运行"
ZH_A2_P1 = "地铁五号线昨日起进入试运行阶段，全线共设车站十八座，预计年底前正式开通运营。"
EN_HEAD = "River Port Reopens After Repairs"
EN_BYLINE = "By Anna Lee"
EN_P1 = ("The old river port reopened on Monday after a year of reconstruction work, and the first "
         "ships arrived before noon. The harbour authority said traffic would return to normal by the "
         "end of the month, when the new cranes are fully in operation.")
EN_COL1 = [
    "The old river port reopened on",
    "Monday after a year of recon-",
    "struction work, and the first",
    "ships arrived before noon. The",
    "harbour authority said traf-",
]
EN_COL2 = [
    "fic would return to normal by the",
    "end of the month, when the new",
    "cranes are fully in opera-",
    "tion.",
]


class _Painter:
    """Draws text on a page image and returns the model lines with the
    boxes of what was drawn."""

    def __init__(self, image: Image.Image) -> None:
        self.draw = ImageDraw.Draw(image)
        self.fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def font(self, path: str, size: int) -> ImageFont.FreeTypeFont:
        key = (path, size)
        if key not in self.fonts:
            self.fonts[key] = ImageFont.truetype(path, size, index=0)
        return self.fonts[key]

    def cjk_line(self, x: int, y: int, text: str, size: int, conf: float = 91.0) -> Line:
        font = self.font(CJK_FONT, size)
        words = []
        for ch in text:
            self.draw.text((x, y), ch, font=font, fill=0)
            adv = int(round(font.getlength(ch)))
            words.append(Word(ch, BBox(x, y, x + adv, y + size), conf))
            x += adv
        return Line(text, BBox.enclosing(w.bbox for w in words), tuple(words), conf)

    def latin_line(self, x: int, y: int, text: str, size: int, conf: float = 88.0) -> Line:
        font = self.font(LATIN_FONT, size)
        space = font.getlength(" ")
        words = []
        cx = float(x)
        for tok in text.split(" "):
            self.draw.text((cx, y), tok, font=font, fill=0)
            wdt = font.getlength(tok)
            words.append(Word(tok, BBox(int(cx), y, int(round(cx + wdt)), y + size), conf))
            cx += wdt + space
        return Line(text, BBox.enclosing(w.bbox for w in words), tuple(words), conf)


def _wrap(text: str, n: int) -> list[str]:
    return [text[i:i + n] for i in range(0, len(text), n)]


def _block(bid: str, kind: BlockKind, lines: list[Line], lang: str = "", column: int = -1,
           span: int = 1) -> Block:
    return Block(bid, kind, BBox.enclosing(ln.bbox for ln in lines), tuple(lines), column, span, lang)


def build(tmp: Path) -> tuple[Document, Path]:
    """Render the two pages into ``tmp/pages.tiff`` and return the Document
    describing them (its ``source`` is that file)."""
    p1 = Image.new("L", (W, H), 255)
    p2 = Image.new("L", (W, H), 255)
    a = _Painter(p1)
    body = 28
    header = _block("p1-b1", BlockKind.HEADER, [a.cjk_line(40, 30, "第三版·城市新闻", 24)], "zh")
    a.draw.rectangle((40, 70, 960, 73), fill=0)
    rule = Block("p1-b2", BlockKind.RULE, BBox(40, 70, 961, 74))
    head1 = _block("p1-b3", BlockKind.HEADLINE, [a.cjk_line(40, 100, ZH_A1_HEAD, 48)], "zh", 0, 2)
    # column 1: paragraph 1 whole, then the start of paragraph 2; column 2 continues it
    per_line = 15
    p1_lines = _wrap(ZH_A1_P1, per_line)
    p2_lines = _wrap(ZH_A1_P2, per_line)
    col1_text = p1_lines + p2_lines[:4]
    col2_text = p2_lines[4:]
    y = 190
    col1 = []
    for i, t in enumerate(col1_text):
        indent = body * 2 if i in (0, len(p1_lines)) else 0
        col1.append(a.cjk_line(40 + indent, y, t, body))
        y += 40
    col1_block = _block("p1-b4", BlockKind.BODY, col1, "zh", 0)
    y = 190
    col2 = []
    for t in col2_text:
        col2.append(a.cjk_line(520, y, t, body))
        y += 40
    col2_block = _block("p1-b5", BlockKind.BODY, col2, "", 1)  # language from the script
    photo_box = BBox(520, y + 20, 960, y + 300)
    a.draw.rectangle(photo_box.as_tuple(), fill=160)
    photo = Block("p1-b6", BlockKind.PHOTO, photo_box, column=1)
    cap = _block("p1-b7", BlockKind.CAPTION, [a.cjk_line(520, photo_box.bottom + 10, ZH_A1_CAP, 24)], "zh", 1)
    y = 800
    head2 = _block("p1-b8", BlockKind.HEADLINE, [a.cjk_line(40, y, ZH_A2_HEAD, 40)], "zh", 0, 2)
    y += 70
    a2_lines = []
    for i, t in enumerate(_wrap(ZH_A2_P1, 30)):
        a2_lines.append(a.cjk_line(40 + (body * 2 if i == 0 else 0), y, t, body))
        y += 40
    a2_body = _block("p1-b9", BlockKind.BODY, a2_lines, "zh", 0, 2)
    footer = _block("p1-b10", BlockKind.FOOTER, [a.latin_line(490, 1340, "3", 24)])

    b = _Painter(p2)
    head3 = _block("p2-b1", BlockKind.HEADLINE, [b.latin_line(40, 40, EN_HEAD, 44)], "en", 0, 2)
    byline = _block("p2-b2", BlockKind.BYLINE, [b.latin_line(40, 110, EN_BYLINE, 22)], "en", 0)
    y = 160
    e1 = []
    for t in EN_COL1:
        e1.append(b.latin_line(40, y, t, 24))
        y += 36
    y = 160
    e2 = []
    for t in EN_COL2:
        e2.append(b.latin_line(520, y, t, 24))
        y += 36
    en1 = _block("p2-b3", BlockKind.BODY, e1, "en", 0)
    en2 = _block("p2-b4", BlockKind.BODY, e2, "en", 1)

    src = tmp / "pages.tiff"
    p1.save(src, save_all=True, append_images=[p2], dpi=(DPI, DPI), compression="tiff_deflate")

    page1 = Page(1, W, H, DPI, (header, rule, head1, col1_block, col2_block, photo, cap, head2, a2_body, footer),
                 engine="tesseract 5.3.0")
    page2 = Page(2, W, H, DPI, (head3, byline, en1, en2), engine="tesseract 5.3.0")
    a1 = Article(
        "a1", ZH_A1_HEAD,
        (Paragraph(ZH_A1_P1, BlockKind.BODY, ("p1-b4",)),
         Paragraph(ZH_A1_P2, BlockKind.BODY, ("p1-b4", "p1-b5")),
         Paragraph(ZH_A1_CAP, BlockKind.CAPTION, ("p1-b7",))),
        ("p1-b3", "p1-b4", "p1-b5", "p1-b6", "p1-b7"),
        (Join(JoinKind.COLUMN, p2_lines[3][-8:], p2_lines[4][:8], "paragraph continues at the top of column 2",
              left_ref="p1-b4", right_ref="p1-b5"),),
        pages=(1,),
    )
    a2 = Article("a2", ZH_A2_HEAD, (Paragraph(ZH_A2_P1, BlockKind.BODY, ("p1-b9",)),), ("p1-b8", "p1-b9"),
                 pages=(1,))
    a3 = Article(
        "a3", EN_HEAD,
        (Paragraph(EN_BYLINE, BlockKind.BYLINE, ("p2-b2",)), Paragraph(EN_P1, BlockKind.BODY, ("p2-b3", "p2-b4"))),
        ("p2-b1", "p2-b2", "p2-b3", "p2-b4"),
        (
            Join(JoinKind.HYPHEN, "a year of recon", "struction wo", "lexicon: 'reconstruction' is a word",
                 removed="-", left_ref="p2-b3", right_ref="p2-b3"),
            Join(JoinKind.COLUMN, "authority said traf", "fic would", "sentence continues in column 2",
                 left_ref="p2-b3", right_ref="p2-b4"),
            Join(JoinKind.HYPHEN, "rity said traf", "fic would re", "lexicon: 'traffic' is a word",
                 removed="-", left_ref="p2-b3", right_ref="p2-b4"),
            Join(JoinKind.HYPHEN, "fully in opera", "tion.", "lexicon: 'operation' is a word",
                 removed="-", left_ref="p2-b4", right_ref="p2-b4"),
        ),
        pages=(2,),
    )
    doc = Document(str(src), (page1, page2), (a1, a2, a3), (("title", "export test"),))
    return doc, src


def single_page(doc: Document, number: int) -> Document:
    """``doc`` restricted to one page (articles on other pages dropped)."""
    page = next(p for p in doc.pages if p.number == number)
    ids = {b.id for b in page.blocks}
    arts = tuple(a for a in doc.articles if any(b in ids for b in a.block_ids))
    return Document(doc.source, (page,), arts, doc.metadata)
