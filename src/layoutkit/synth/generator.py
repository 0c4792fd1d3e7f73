"""Public entry points: generate a page (image + ground truth + plan), write
fixture files, derive the ground-truth text format from the JSON.

Ground truth follows ``docs/groundtruth.md``.  Additions documented here:
page entries carry ``column_rules`` (bool) and, for PDFs, ``pdf_kind``;
``hyphens[].offset`` and ``column_breaks[].offset`` are the index in the
paragraph of the first character printed on the next line / column.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from ..errors import OutputError, UsageError
from .degrade import KINDS, degrade
from .fonts import FontBook
from .layout import PagePlan, PageSpec, compose_page
from .render import render_plan

SCHEMA = "layoutkit-groundtruth/1"


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A generated page: ``image`` grey uint8 at ``dpi``; ``gt`` the ground-truth
    document dict; ``plan`` what was drawn (at ``plan.dpi``, before degradation);
    ``extracted`` the naive text-only extraction of the page."""

    image: np.ndarray
    dpi: int
    gt: dict
    plan: PagePlan
    extracted: str


def _scale_box(b: list[int], s: float) -> list[int]:
    return [int(round(v * s)) for v in b]


def build_gt(source: str, language: str, pages: list[dict], articles: list[dict]) -> dict:
    return {"schema": SCHEMA, "source": source, "language": language, "pages": pages,
            "articles": articles}


def generate_page(spec: PageSpec, seed: int, degradation: str = "clean",
                  source: str = "page.png") -> RenderedPage:
    """Render one page from ``spec`` and ``seed`` with one degradation kind.
    Same arguments give the same image bytes and ground truth."""
    if degradation not in KINDS:
        raise UsageError(f"unknown degradation {degradation!r}; choose from {', '.join(KINDS)}")
    fb = FontBook()
    plan, gt_page, extracted = compose_page(spec, seed, fb=fb)
    img = render_plan(plan, fb)
    d = degrade(img, plan.dpi, degradation, seed * 7919 + 13)
    page = copy.deepcopy(gt_page)
    articles = page.pop("articles")
    page["degradation"] = degradation
    page["skew"] = d.skew
    page["dpi"] = d.dpi
    if d.scale != 1.0:
        page["width"], page["height"] = d.image.shape[1], d.image.shape[0]
        page["column_separators"] = [_scale_box(b, d.scale) for b in page["column_separators"]]
        for r in page["regions"]:
            r["bbox"] = _scale_box(r["bbox"], d.scale)
    gt = build_gt(source, spec.language, [page], articles)
    return RenderedPage(d.image, d.dpi, gt, plan, extracted)


def article_text(article: dict) -> str:
    lines = [article["headline"]] if article.get("headline") else []
    lines.extend(p for p in article.get("paragraphs", []) if p)
    lines.extend(c for c in article.get("captions", []) if c)
    return "\n".join(lines)


def gt_text(gt: dict) -> str:
    """The ground truth in the project's text format (final newline)."""
    arts = [article_text(a) for a in gt["articles"]]
    arts = [a for a in arts if a]
    return "\n\n".join(arts) + "\n" if arts else ""


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write ({exc.strerror}); check the directory permissions") from None


def write_image(image: np.ndarray, path: Path, dpi: int) -> None:
    """Write a grey page as PNG/TIFF/JPEG with its dpi recorded."""
    import io

    buf = io.BytesIO()
    fmt = {"png": "PNG", "tif": "TIFF", "tiff": "TIFF", "jpg": "JPEG", "jpeg": "JPEG"}[path.suffix[1:].lower()]
    kw: dict = {"dpi": (dpi, dpi)}
    if fmt == "PNG":
        kw["compress_level"] = 9
    if fmt == "JPEG":
        kw["quality"] = 90
    if fmt == "TIFF":
        kw["compression"] = "tiff_deflate"
    Image.fromarray(image).save(buf, fmt, **kw)
    _atomic_write(path, buf.getvalue())


def write_gt(gt: dict, outdir: Path, stem: str, extracted: str | None = None) -> None:
    """Write ``<stem>.gt.json``, ``<stem>.gt.txt`` and optionally ``<stem>.extracted.txt``."""
    _atomic_write(outdir / f"{stem}.gt.json", (json.dumps(gt, ensure_ascii=False, indent=1) + "\n").encode())
    _atomic_write(outdir / f"{stem}.gt.txt", gt_text(gt).encode())
    if extracted is not None:
        _atomic_write(outdir / f"{stem}.extracted.txt", extracted.encode())


def write_fixture(rendered: RenderedPage, outdir: str | Path, stem: str,
                  formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Write the page image(s) and ground truth; returns the written paths.
    ``formats`` may include png, tif, jpg and pdf (a scanned PDF of the image)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    gt = dict(rendered.gt)
    for fmt in formats:
        p = out / f"{stem}.{fmt}"
        if fmt == "pdf":
            from .pdf import write_scanned_pdf

            write_scanned_pdf([rendered.image], [rendered.dpi], p)
        else:
            write_image(rendered.image, p, rendered.dpi)
        written.append(p)
    gt["source"] = f"{stem}.{formats[0]}" if formats else gt["source"]
    write_gt(gt, out, stem, rendered.extracted)
    written += [out / f"{stem}.gt.json", out / f"{stem}.gt.txt", out / f"{stem}.extracted.txt"]
    return written
