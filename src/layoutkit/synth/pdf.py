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
from reportlab.lib.rl_accel import fp_str
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
        # text state (Tc, Tr) is part of the graphics state and outlives ET:
        # each line gets its own q/Q so its spacing and render mode never
        # reach the lines drawn after it
        c.saveState()
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
            _line_string(c, to, name, size, y, [(d, x * s) for _, d, x in t.runs],
                         "" if t.font.startswith("zh") else " ")
        c.drawText(to)
        c.restoreState()


#: largest distance (points) between a run's position on the page and where
#: uniform letter spacing (``Tc``) would put it, for a line drawn with Tc
_TC_TOLERANCE = 0.25


def _line_string(c: canvas.Canvas, to: object, name: str, size: float, y: float,
                 runs: list[tuple[str, float]], sep: str) -> None:
    """Draw one printed line as one string, every run where the page has it.

    ``runs``: (text, x) with x in points; ``sep`` is printed between runs
    (a space between Latin words, nothing between CJK characters).  When
    uniform letter spacing puts every run where the page has it (a CJK line
    spaced out to the measure) the line is one ``Tj`` with ``Tc``; otherwise
    (justified Latin text, narrow punctuation set in a full CJK cell) it is
    one ``TJ`` with position adjustments, as layout programs write it.
    """
    line = sep.join(d for d, _ in runs)
    x0 = runs[0][1]
    width = pdfmetrics.stringWidth
    if len(runs) > 1 and len(line) > 1:
        tc = ((runs[-1][1] + width(runs[-1][0], name, size)) - x0 - width(line, name, size)) / (len(line) - 1)
        pos, n, dev = x0, 0, 0.0
        for k, (d, x) in enumerate(runs):
            if k:
                pos += width(sep, name, size) + tc * len(sep)
                n += len(sep)
            dev = max(dev, abs(pos - x))
            pos += width(d, name, size) + tc * len(d)
            n += len(d)
        if dev <= _TC_TOLERANCE and tc >= -0.2 * size:
            to.setCharSpace(tc)  # type: ignore[attr-defined]
            to.setTextOrigin(x0, y)  # type: ignore[attr-defined]
            to.textOut(line)  # type: ignore[attr-defined]
            return
    to.setTextOrigin(x0, y)  # type: ignore[attr-defined]
    font = pdfmetrics.getFont(name)
    ops: list[str] = []
    arr: list[str] = []
    cur = x0
    for k, (d, x) in enumerate(runs):
        text = d + (sep if k < len(runs) - 1 else "")
        adj = (x - cur) * 1000.0 / size
        if abs(adj) > 0.01:
            arr.append(fp_str(-adj))  # TJ numbers are thousandths of an em, positive moves left
        for subset, chunk in font.splitString(text, c._doc):  # type: ignore[attr-defined]
            if subset != to._curSubset:  # type: ignore[attr-defined]
                if arr:
                    ops.append(f"[{' '.join(arr)}] TJ")
                    arr = []
                ops.append(f"{font.getSubsetInternalName(subset, c._doc)} {fp_str(size)} Tf")  # type: ignore[attr-defined]
                to._curSubset = subset  # type: ignore[attr-defined]
            arr.append(f"({c._escape(chunk)})")
        cur = x + width(text, name, size)
    if arr:
        ops.append(f"[{' '.join(arr)}] TJ")
    to._code.append(" ".join(ops))  # type: ignore[attr-defined]


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


def make_born_digital_pdf(out: Path, lang: str, cols: int, seed: int, per_char: bool) -> Path:
    """One one-page born-digital PDF of the page composed from ``seed``
    (language ``lang``, ``cols`` columns, one string per character or per
    line) with its ground truth: ``<stem>.pdf``, ``<stem>.gt.json`` and
    ``<stem>.gt.txt`` in ``out``.  Returns the PDF path."""
    from .fonts import FontBook
    from .generator import build_gt, write_gt
    from .layout import PageSpec, compose_page

    out.mkdir(parents=True, exist_ok=True)
    stem = f"{lang}-{cols}col-pdf-{'chars' if per_char else 'lines'}-s{seed}"
    plan, gt_page, _ = compose_page(PageSpec(language=lang, columns=cols), seed, fb=FontBook())
    gp = dict(gt_page)
    articles = gp.pop("articles")
    gp.update(number=1, degradation="clean", skew=0.0, dpi=plan.dpi, pdf_kind="born-digital",
              pdf_text="per-char" if per_char else "per-line")
    path = out / f"{stem}.pdf"
    write_pdf([("born-digital", plan, None, plan.dpi)], path, per_char=per_char)
    write_gt(build_gt(path.name, lang, [gp], articles), out, stem)
    return path


def make_born_digital_set(out: Path, count: int, seed: int, langs: list[str] | None = None,
                          columns: list[int] | None = None) -> list[Path]:
    """``count`` one-page born-digital PDFs with ground truth, for held-out
    evaluation: PDF ``i`` gets seed ``seed + i`` and rotates through the
    languages, the column counts and both string modes (one string per
    character, one per line) so that every combination occurs (see
    :func:`make_born_digital_pdf`).  Returns the PDFs."""
    langs = langs or ["zh", "en"]
    columns = columns or [3, 4, 5, 6]
    written: list[Path] = []
    for i in range(count):
        lang = langs[i % len(langs)]
        per_char = (i // len(langs)) % 2 == 0
        cols = columns[(i // (2 * len(langs)) + i) % len(columns)]
        written.append(make_born_digital_pdf(out, lang, cols, seed + i, per_char))
    return written
