"""The conversion flow: sources -> preprocess -> layout -> recognize ->
order -> articles (with repair) -> Document.

``convert_file`` is what the CLI, the batch runner and Python users call.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from .engines import OcrEngine, get_engine
from .errors import LayoutkitError
from .model import Document, Page, PageStatus
from .options import ConvertOptions
from .sources import PageImage, load_pages, sniff

log = logging.getLogger("layoutkit.pipeline")


def convert_file(path: str | Path, options: ConvertOptions | None = None,
                 engine: OcrEngine | None = None) -> Document:
    """Convert an image or PDF file into a Document with its articles.

    Raises :class:`~layoutkit.errors.LayoutkitError` subclasses for bad input
    or a missing engine; a page that fails during processing is recorded
    with status ``failed`` when other pages succeed.
    """
    opts = options or ConvertOptions()
    p = Path(path)
    kind = sniff(p)
    pages: list[Page] = []
    if kind == "pdf":
        from .textlayer import open_document

        open_document(p).close()  # fail early on corrupt, encrypted or empty files
    if kind == "pdf" and opts.ocr != "always":
        from .textlayer import pdf_pages  # born-digital path, page by page

        pages = list(pdf_pages(p, opts, engine))
    else:
        eng = engine or get_engine(opts.engine, opts.threads)
        eng.version()  # fail early with an install hint
        for page_image in load_pages(p, opts.dpi, opts.max_pixels):
            pages.append(process_page_image(page_image, opts, eng))
    from .articles import build_articles

    articles = build_articles(pages, opts.repair)
    return Document(str(path), tuple(pages), tuple(articles))


def process_page_image(page_image: PageImage, opts: ConvertOptions, engine: OcrEngine) -> Page:
    """Run preprocess, layout and recognition on one raster page."""
    from .layout import analyze
    from .preprocess import preprocess
    from .recognize import recognize_page

    timings: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    try:
        prep = preprocess(page_image.image, page_image.dpi, opts.preprocess, dpi_known=page_image.dpi_known)
        t1 = time.perf_counter()
        timings.append(("preprocess", t1 - t0))
        layout = analyze(prep, page_number=page_image.number)
        t2 = time.perf_counter()
        timings.append(("layout", t2 - t1))
        blocks = recognize_page(prep, layout, engine, opts, page_image.number)
        t3 = time.perf_counter()
        timings.append(("recognize", t3 - t2))
    except LayoutkitError:
        raise
    except (ValueError, MemoryError, np.linalg.LinAlgError) as exc:  # pragma: no cover - defensive
        log.error("page %d failed: %s", page_image.number, exc)
        h, w = page_image.image.shape[:2]
        return Page(page_image.number, w, h, page_image.dpi, status=PageStatus.FAILED, message=str(exc))
    h, w = prep.gray.shape[:2]
    status = PageStatus.OK if any(b.lines for b in blocks) else PageStatus.EMPTY
    return Page(
        number=page_image.number,
        width=w,
        height=h,
        dpi=prep.dpi,
        blocks=tuple(blocks),
        status=status,
        skew=prep.angle,
        path="ocr",
        engine=f"{engine.name} {engine.version()}",
        timings=tuple(timings),
    )
