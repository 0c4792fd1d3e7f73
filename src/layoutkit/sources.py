"""Input files to pages.

A source yields :class:`PageImage` objects (a grey raster with its DPI) for
PNG, JPEG, TIFF (multi-page) and PDF (rendered with pypdfium2).  Every
problem with the file becomes a one-line :class:`BadInput` or
:class:`InputNotFound` naming the file and what to do.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import BadInput, InputNotFound

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".jp2"}
PDF_SUFFIXES = {".pdf"}
TEXT_SUFFIXES = {".txt"}
SUPPORTED = IMAGE_SUFFIXES | PDF_SUFFIXES

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"BM", "image"),
    (b"%PDF-", "pdf"),
)

#: a newspaper broadsheet at 600 dpi is about 7000 x 11000 px; anything far
#: beyond is not a page (or a decompression bomb)
DEFAULT_MAX_PIXELS = 200_000_000


@dataclass(frozen=True)
class PageImage:
    """One page raster: ``image`` is grey uint8 (H, W); ``dpi`` as stored or
    assumed; ``number`` is 1-based."""

    number: int
    image: np.ndarray
    dpi: int
    dpi_known: bool = True


def sniff(path: Path) -> str:
    """Return ``image``, ``pdf`` or ``text`` for ``path`` from its first bytes."""
    if not path.exists():
        raise InputNotFound(f"{path}: no such file; check the path")
    if path.is_dir():
        raise BadInput(f"{path}: is a directory; use `layoutkit batch` for folders")
    if not os.access(path, os.R_OK):
        raise InputNotFound(f"{path}: not readable; check its permissions")
    size = path.stat().st_size
    if size == 0:
        raise BadInput(f"{path}: the file is empty; re-export or re-scan it")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:12] == b"jP  \r\n\x87\n" or head.startswith(b"\xff\x4f\xff\x51"):
        return "image"
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "text"
    raise BadInput(
        f"{path}: unsupported file type; give a PNG, JPEG, TIFF or PDF page "
        f"(for extracted text use `layoutkit repair`)"
    )


def load_pages(path: str | Path, dpi: int = 300, max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[PageImage]:
    """Yield the pages of an image or PDF file as grey rasters."""
    p = Path(path)
    kind = sniff(p)
    if kind == "pdf":
        yield from _pdf_pages(p, dpi, max_pixels)
    elif kind == "image":
        yield from _image_pages(p, max_pixels)
    else:
        raise BadInput(f"{p}: is a text file; use `layoutkit repair {p}` for text already extracted")


def _image_pages(path: Path, max_pixels: int) -> Iterator[PageImage]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves, with a clearer message
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(path)
            frames = getattr(im, "n_frames", 1)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise BadInput(f"{path}: not a readable image ({_short(exc)}); the file may be corrupt, re-scan or re-export it") from None
    with im:
        for i, frame in enumerate(ImageSequence.Iterator(im), start=1):
            w, h = frame.size
            if w * h > max_pixels:
                raise BadInput(
                    f"{path}: page {i} is {w}x{h} pixels, too large for a page "
                    f"(limit {max_pixels:,} pixels); downsample it or raise --max-pixels"
                )
            if w < 16 or h < 16:
                raise BadInput(f"{path}: page {i} is only {w}x{h} pixels; give a full page scan")
            try:
                frame.load()
                grey = _to_grey(frame)
            except (OSError, SyntaxError, ValueError) as exc:
                raise BadInput(
                    f"{path}: page {i} of {frames} is truncated or corrupt ({_short(exc)}); re-scan or re-export it"
                ) from None
            raw = frame.info.get("dpi")
            dpi_known = bool(raw and raw[0] and raw[0] > 1)
            dpi = int(round(float(raw[0]))) if dpi_known else 300
            if dpi_known and not 50 <= dpi <= 2400:
                dpi, dpi_known = 300, False
            yield PageImage(i, grey, dpi, dpi_known)


def _to_grey(frame: object) -> np.ndarray:
    from PIL import Image

    assert isinstance(frame, Image.Image)
    if frame.mode in ("RGBA", "LA", "P"):
        bg = Image.new("RGB", frame.size, (255, 255, 255))
        rgba = frame.convert("RGBA")
        bg.paste(rgba, mask=rgba.getchannel("A"))
        frame = bg
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.float64)
        hi = arr.max() or 1.0
        return np.ascontiguousarray((arr * (255.0 / hi)).astype(np.uint8))
    return np.ascontiguousarray(np.asarray(frame.convert("L"), dtype=np.uint8))


def _pdf_pages(path: Path, dpi: int, max_pixels: int) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    doc = open_pdf(path)
    try:
        n = len(doc)
        if n == 0:
            raise BadInput(f"{path}: the PDF has no pages")
        for i in range(n):
            page = doc[i]
            w_pt, h_pt = page.get_size()
            w, h = int(w_pt * dpi / 72), int(h_pt * dpi / 72)
            if w * h > max_pixels:
                raise BadInput(
                    f"{path}: page {i + 1} would be {w}x{h} pixels at {dpi} dpi; lower --dpi"
                )
            try:
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                arr = bitmap.to_numpy()
            except pdfium.PdfiumError as exc:
                raise BadInput(f"{path}: page {i + 1} cannot be rendered ({_short(exc)}); the PDF may be corrupt") from None
            if arr.ndim == 3:
                arr = arr[..., 0]
            yield PageImage(i + 1, np.ascontiguousarray(arr, dtype=np.uint8), dpi, True)
    finally:
        doc.close()


def open_pdf(path: Path, password: str | None = None) -> object:
    """Open a PDF with pypdfium2, turning its errors into one-line BadInput."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise BadInput(f"{path}: the PDF is encrypted; decrypt it first (e.g. `qpdf --decrypt`)") from None
        raise BadInput(f"{path}: not a readable PDF ({_short(exc)}); the file may be truncated or corrupt") from None


def count_pages(path: str | Path) -> int:
    p = Path(path)
    kind = sniff(p)
    if kind == "pdf":
        doc = open_pdf(p)
        try:
            return len(doc)  # type: ignore[arg-type]
        finally:
            doc.close()  # type: ignore[attr-defined]
    if kind == "image":
        from PIL import Image

        try:
            with Image.open(p) as im:
                return int(getattr(im, "n_frames", 1))
        except Exception:  # noqa: BLE001 - reported later by load_pages
            return 1
    return 0


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
