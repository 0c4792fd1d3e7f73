"""Searchable PDF export (``--format pdf``): each page image with an
invisible text layer (text render mode 3) placed on the lines, built with
reportlab, one canvas per document.

What copy, search and ``pdftotext -raw`` (content-stream order) give:

* the text in **reading order by article**: the content stream of a page
  holds its running heads, then each article's blocks in the article's
  order, then the other blocks (:func:`~layoutkit.export.alto.page_units`);
* one string per printed line, **scaled horizontally to the line box**
  (``Tz``), with the line's repaired text: no spaces between CJK
  characters, single spaces between Latin words;
* **hyphenated words whole**: the repaired word is written at the position
  of its first half (``recon-`` becomes ``reconstruction``) and the second
  half is left out of the next line;
* the font is embedded as a TrueType subset with a ``ToUnicode`` map
  (WenQuanYi Zen Hei for pages with CJK text, else DejaVu Sans), so the
  extracted characters are the real ones.

Frames: model coordinates are page pixels (after deskew, origin top-left)
at ``Page.dpi``; PDF user space is points (1/72 in), origin bottom-left,
so ``x_pt = x_px * 72 / dpi`` and ``y_pt = height_pt - y_px * 72 / dpi``.
The page image is re-read from ``source`` (``layoutkit.sources``) and
rotated by ``Page.skew`` with the same function preprocessing used, so the
words sit on the image the boxes were measured on.  A caller that still
holds the deskewed grey pages can pass ``images={page number: array}``.

Born-digital input (every page ``path == "text-layer"`` and the source is a
PDF) keeps its own pages: the original PDF bytes are returned unchanged,
since its text layer is already the real one.  A single JPEG scan that
needed no deskew is embedded byte for byte (colour kept); other images are
stored losslessly (Flate) as the grey page the pipeline read.  A page whose image cannot be
had (no source file) gets its text drawn visibly instead, so the PDF still
shows what was read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..errors import EngineMissing, LayoutkitError, UsageError
from ..model import TEXT_KINDS, Block, Document, Line, Page
from ..textutil import is_cjk_char
from .alto import HyphenMap, hyphen_parts, page_units

CJK_FONTS = (
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
LATIN_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 0),
) + CJK_FONTS

#: fraction of the line box below the baseline (descenders)
_DESCENT = 0.2


def _font(cjk: bool) -> tuple[str, float]:
    """Register the text-layer font with reportlab; returns its name and
    its descent as a fraction of the em."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for path, index in CJK_FONTS if cjk else LATIN_FONTS:
        if not Path(path).exists():
            continue
        name = f"LK-{Path(path).stem}-{index}"
        try:
            pdfmetrics.getFont(name)
        except KeyError:
            try:
                pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
            except TTFError:
                continue
        face = pdfmetrics.getFont(name).face
        return name, abs(float(face.descent)) / 1000.0 or _DESCENT
    pkg = "fonts-wqy-zenhei" if cjk else "fonts-dejavu-core"
    raise EngineMissing(f"no TrueType font for the PDF text layer; install it: apt-get install {pkg}")


@contextmanager
def _no_ascii85() -> Iterator[None]:
    """reportlab ASCII85-encodes image streams by default (25% larger, slower);
    binary streams are fine for every PDF reader."""
    from reportlab import rl_config

    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


def _line_text(block: Block, li: int, line: Line, hyph: HyphenMap) -> str:
    """The text to write for a line: ``Line.text`` with a break-hyphenated
    word written whole on its first line and left out of its second."""
    text = line.text.strip()
    if not text and line.words:
        text = " ".join(w.text.strip() for w in line.words if w.text.strip())
    last_i = max(0, len(line.words) - 1)
    p1 = hyph.get((block.id, li, last_i))
    if p1 is not None and p1.part == 1:
        last = line.words[-1].text.strip() if line.words else text.split()[-1]
        if text.endswith(last):
            text = text[: len(text) - len(last)] + p1.joined
    p2 = hyph.get((block.id, li, 0))
    if p2 is not None and p2.part == 2:
        first = line.words[0].text.strip() if line.words else text.split()[0]
        if text.startswith(first):
            text = text[len(first):].lstrip()
    return text


def _page_image(page: Page, raw: np.ndarray | None) -> Any:
    """The page image as a PIL image in the Document's frame (deskewed)."""
    from PIL import Image

    if raw is None:
        return None
    img = raw
    if page.skew:
        try:
            from ..preprocess import deskew_image
        except ImportError:  # pragma: no cover - preprocess is part of the package
            deskew_image = _deskew
        img = deskew_image(img, page.skew)
    return Image.fromarray(np.ascontiguousarray(img))


def _deskew(image: np.ndarray, angle: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=255)


def _load_images(doc: Document, source: str | None) -> dict[int, np.ndarray]:
    if not source or not Path(source).is_file():
        return {}
    from ..sources import load_pages

    wanted = {p.number for p in doc.pages}
    dpi = doc.pages[0].dpi if doc.pages else 300
    out: dict[int, np.ndarray] = {}
    for pi in load_pages(source, dpi=dpi):
        if pi.number in wanted:
            out[pi.number] = pi.image
        if len(out) == len(wanted):
            break
    return out


def _jpeg_passthrough(src: str | None, page: Page, raw: np.ndarray, n_pages: int) -> bool:
    if not src or n_pages != 1 or abs(page.skew) >= 1e-3 or raw.shape[:2] != (page.height, page.width):
        return False
    with open(src, "rb") as fh:
        return fh.read(3) == b"\xff\xd8\xff"


def _is_born_digital(doc: Document, source: str | None) -> bool:
    if not source or not doc.pages or not Path(source).is_file():
        return False
    if not all(p.path == "text-layer" for p in doc.pages):
        return False
    with open(source, "rb") as fh:
        return fh.read(5) == b"%PDF-"


def _write_text(canvas: Any, doc: Document, page: Page, hyph: HyphenMap, font: str, descent: float,
                visible: bool) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    k = 72.0 / (page.dpi or 300)
    h_pt = page.height * k
    canvas.setFont(font, 10)  # so no unembedded base-14 font is referenced
    txt = canvas.beginText()
    txt.setTextRenderMode(0 if visible else 3)
    for _art, blocks in page_units(doc, page):
        for block in blocks:
            if block.kind not in TEXT_KINDS:
                continue
            for li, line in enumerate(block.lines):
                s = _line_text(block, li, line, hyph)
                if not s:
                    continue
                x0, top, x1, bottom = line.bbox.as_tuple()
                if block.vertical:
                    size = max(1.0, (x1 - x0) * k)
                    length = max(1.0, (bottom - top) * k)
                else:
                    size = max(1.0, (bottom - top) * k * (0.92 if visible else 1.0))
                    length = max(1.0, (x1 - x0) * k)
                natural = stringWidth(s, font, size)
                txt.setFont(font, size)
                txt.setHorizScale(100.0 * length / natural if natural > 0 else 100.0)
                if block.vertical:
                    # run downwards: text x axis -> page -y, baseline on the box's centre line
                    cx = (x0 + x1) / 2 * k
                    txt.setTextTransform(0, -1, 1, 0, cx - (0.5 - descent) * size, h_pt - top * k)
                else:
                    txt.setTextTransform(1, 0, 0, 1, x0 * k, h_pt - bottom * k + descent * size)
                txt.textOut(s)
    canvas.drawText(txt)


def render(doc: Document, source: str | None = None, images: Mapping[int, np.ndarray] | None = None,
           jpeg_quality: int = 0, **_: object) -> bytes:
    """The searchable PDF of ``doc`` as bytes.

    ``source``: the input file (default ``doc.source``).  ``images``: page
    number -> grey page array in the Document's frame, to skip re-reading
    the source.  ``jpeg_quality``: 0 keeps the image lossless (Flate); 1-95
    stores it as JPEG at that quality (smaller, lossy).
    """
    from reportlab.pdfgen.canvas import Canvas

    src = str(source) if source else doc.source
    if not doc.pages:
        raise UsageError(f"{src}: no pages to put in a PDF (text-only input); use --format txt or md")
    if _is_born_digital(doc, src):
        return Path(src).read_bytes()
    hyph = hyphen_parts(doc)
    cjk = any(is_cjk_char(ch) for b in doc.blocks() for ln in b.lines for ch in ln.text)
    font, descent = _font(cjk)
    raws: dict[int, np.ndarray] = {}
    if images is None:
        try:
            raws = _load_images(doc, src)
        except LayoutkitError:
            raws = {}  # the source moved or changed: still write the text
    buf = io.BytesIO()
    with _no_ascii85():
        c = Canvas(buf, pageCompression=1, invariant=0, initialFontName=font, initialFontSize=10)
        c.setCreator(f"layoutkit {__version__}")
        c.setAuthor("layoutkit")
        c.setProducer(f"layoutkit {__version__} (reportlab)")
        c.setTitle(Path(src).name if src else "layoutkit")
        c.setSubject("searchable scan: page images with an invisible text layer in reading order")
        for page in doc.pages:
            k = 72.0 / (page.dpi or 300)
            w_pt, h_pt = max(1.0, page.width * k), max(1.0, page.height * k)
            c.setPageSize((w_pt, h_pt))
            raw = images.get(page.number) if images is not None else raws.get(page.number)
            if raw is not None and _jpeg_passthrough(src, page, raw, len(doc.pages)):
                # the scan is a JPEG in the Document's frame: embed its bytes as they are
                # (no re-encoding, colour kept)
                c.drawImage(src, 0, 0, width=w_pt, height=h_pt)
                _write_text(c, doc, page, hyph, font, descent, visible=False)
                c.showPage()
                continue
            img = _page_image(page, raw)
            if img is not None:
                from reportlab.lib.utils import ImageReader

                if jpeg_quality:
                    jb = io.BytesIO()
                    img.save(jb, format="JPEG", quality=int(jpeg_quality))
                    jb.seek(0)
                    reader = ImageReader(jb)
                else:
                    reader = ImageReader(img)
                c.drawImage(reader, 0, 0, width=w_pt, height=h_pt)
            _write_text(c, doc, page, hyph, font, descent, visible=img is None)
            c.showPage()
        c.save()
    return buf.getvalue()
