"""PDFs of synthetic pages: born-digital (real text in embedded TrueType fonts),
scanned (one image per page, no text) and mixed documents.

Page plans are in pixels at ``plan.dpi``; PDF user space is points (1/72 in),
origin bottom-left, so ``pt = px * 72 / dpi`` and ``y_pdf = H - y``.
Chinese text uses WenQuanYi Zen Hei (a TrueType collection, face 0) because
reportlab embeds TrueType but not the CFF-based Noto CJK fonts; bold is drawn
as fill+stroke.  Text is drawn one string per character or one per line.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ..errors import EngineMissing
from .fonts import DEJAVU, WQY
from .layout import PagePlan

_PDF_FONTS = {
    "zh": ("LKWqyZenHei", WQY, 0),
    "en-serif": ("LKDejaVuSerif", f"{DEJAVU}/DejaVuSerif.ttf", 0),
    "en-serif-bold": ("LKDejaVuSerifBold", f"{DEJAVU}/DejaVuSerif-Bold.ttf", 0),
    "en-sans": ("LKDejaVuSans", f"{DEJAVU}/DejaVuSans.ttf", 0),
    "en-sans-bold": ("LKDejaVuSansBold", f"{DEJAVU}/DejaVuSans-Bold.ttf", 0),
}


def _pdf_font(key: str) -> tuple[str, bool]:
    """reportlab font name for a plan font key, registering it once per process
    (reportlab's registry is global by design); and whether to fake bold."""
    spec = _PDF_FONTS["zh"] if key.startswith("zh") else _PDF_FONTS[key]
    name, path, index = spec
    if name not in pdfmetrics.getRegisteredFontNames():
        if not Path(path).is_file():
            raise EngineMissing(f"{path}: font missing; install fonts-wqy-zenhei and fonts-dejavu-core")
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name, key.startswith("zh") and key.endswith("bold")


def _draw_text_page(c: canvas.Canvas, plan: PagePlan, per_char: bool) -> None:
    s = 72.0 / plan.dpi
    H = plan.height * s
    for r in plan.rects:
        x0, top, x1, bottom = r.bbox
        if r.kind == "rule":
            c.setFillGray(0)
            c.rect(x0 * s, H - bottom * s, (x1 - x0) * s, (bottom - top) * s, stroke=0, fill=1)
        else:
            from .render import photo_texture

            img = Image.fromarray(photo_texture(x1 - x0, bottom - top, r.seed))
            c.drawImage(ImageReader(img), x0 * s, H - bottom * s, (x1 - x0) * s, (bottom - top) * s)
    for t in plan.texts:
        name, bold = _pdf_font(t.font)
        size = t.size * s
        y = H - t.baseline * s
        to = c.beginText()
        to.setFont(name, size)
        if bold:
            to.setTextRenderMode(2)
            c.setLineWidth(size * 0.03)
        if per_char:
            for _, disp, x in t.runs:
                cx = x * s
                for ch in disp:
                    to.setTextOrigin(cx, y)
                    to.textOut(ch)
                    cx += pdfmetrics.stringWidth(ch, name, size)
        else:
            sep = "" if t.font.startswith("zh") else " "
            line = sep.join(d for _, d, _ in t.runs)
            x0 = t.runs[0][2] * s
            last = t.runs[-1]
            x1 = (last[2] * s) + pdfmetrics.stringWidth(last[1], name, size)
            natural = pdfmetrics.stringWidth(line, name, size)
            if len(line) > 1 and len(t.runs) > 1:
                to.setCharSpace(max(-0.2 * size, (x1 - x0 - natural) / (len(line) - 1)))
            to.setTextOrigin(x0, y)
            to.textOut(line)
        c.drawText(to)
        if bold:
            c.setLineWidth(1)


def _draw_image_page(c: canvas.Canvas, image: np.ndarray, dpi: int) -> None:
    h, w = image.shape[:2]
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PNG")
    buf.seek(0)
    c.drawImage(ImageReader(buf), 0, 0, w * 72.0 / dpi, h * 72.0 / dpi)


def write_pdf(pages: list[tuple[str, PagePlan | None, np.ndarray | None, int]], path: Path,
              per_char: bool = True) -> None:
    """Write a PDF; each page is (kind, plan, image, dpi) with kind
    ``born-digital`` (drawn from the plan) or ``scanned`` (the image only)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, pageCompression=1)
    c.setTitle(path.stem)
    c.setCreator("layoutkit.synth")
    for kind, plan, image, dpi in pages:
        if kind == "born-digital":
            assert plan is not None
            c.setPageSize((plan.width * 72.0 / plan.dpi, plan.height * 72.0 / plan.dpi))
            _draw_text_page(c, plan, per_char)
        else:
            assert image is not None
            c.setPageSize((image.shape[1] * 72.0 / dpi, image.shape[0] * 72.0 / dpi))
            _draw_image_page(c, image, dpi)
        c.showPage()
    c.save()
    from .generator import _atomic_write

    _atomic_write(path, buf.getvalue())


def write_scanned_pdf(images: list[np.ndarray], dpis: list[int], path: Path) -> None:
    write_pdf([("scanned", None, im, d) for im, d in zip(images, dpis)], path)


def make_pdf_fixtures(out: Path, seed: int, langs: list[str], scanned: bool = True) -> list[Path]:
    """Per language: a born-digital PDF with one string per character, one with one
    string per line and, with ``scanned``, a scanned PDF and a 2-page mixed PDF
    (born-digital + scanned)."""
    from .generator import build_gt, generate_page, write_gt
    from .layout import PageSpec

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for li, lang in enumerate(langs):
        cols = 4 + li % 3
        docs = {
            f"{lang}-{cols}col-pdf-chars-s{seed}": [("born-digital", seed, True)],
            f"{lang}-{cols}col-pdf-lines-s{seed + 1}": [("born-digital", seed + 1, False)],
            f"{lang}-{cols}col-pdf-scanned-s{seed + 2}": [("scanned", seed + 2, True)],
            f"{lang}-{cols}col-pdf-mixed-s{seed + 3}": [("born-digital", seed + 3, li % 2 == 0),
                                                          ("scanned", seed + 4, True)],
        }
        for stem, spec_pages in docs.items():
            if not scanned and any(k == "scanned" for k, _, _ in spec_pages):
                continue
            pdf_pages = []
            gt_pages: list[dict] = []
            gt_articles: list[dict] = []
            extracted = []
            for number, (kind, s, per_char) in enumerate(spec_pages, start=1):
                deg = "clean" if kind == "born-digital" else "scan"
                page = generate_page(PageSpec(language=lang, columns=cols), s, deg)
                pdf_pages.append((kind, page.plan, page.image, page.dpi))
                gp = dict(page.gt["pages"][0])
                gp["number"] = number
                gp["pdf_kind"] = kind
                if kind == "born-digital":
                    gp["pdf_text"] = "per-char" if per_char else "per-line"
                gt_pages.append(gp)
                for a in page.gt["articles"]:
                    a = dict(a)
                    a["id"] = f"p{number}-{a['id']}"
                    a["pages"] = [number]
                    gt_articles.append(a)
                for r in gp["regions"]:
                    if r["article"]:
                        r["article"] = f"p{number}-{r['article']}"
                extracted.append(page.extracted)
            path = out / f"{stem}.pdf"
            write_pdf(pdf_pages, path, per_char=spec_pages[0][2])
            gt = build_gt(path.name, lang, gt_pages, gt_articles)
            write_gt(gt, out, stem, "".join(extracted))
            written += [path, out / f"{stem}.gt.json", out / f"{stem}.gt.txt"]
    return written
