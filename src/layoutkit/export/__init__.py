"""Exports: a registry of ``format name -> render(doc) -> bytes`` and an
atomic writer (temporary file in the target folder, then rename), so no
partial output file is ever left behind.

Formats are loaded lazily; a format whose module is missing is reported as
unknown.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import OutputError, UsageError
from ..model import Document

#: format -> (module, function, file suffix)
FORMATS: dict[str, tuple[str, str, str]] = {
    "txt": ("txt", "render", ".txt"),
    "json": ("jsonfmt", "render", ".json"),
    "md": ("markdown", "render", ".md"),
    "alto": ("alto", "render", ".alto.xml"),
    "page": ("pagexml", "render", ".page.xml"),
    "hocr": ("hocr", "render", ".hocr"),
    "pdf": ("pdf", "render", ".pdf"),
}

Renderer = Callable[..., bytes]


def renderer(fmt: str) -> Renderer:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose from {', '.join(available_formats())}")
    mod_name, fn, _ = FORMATS[fmt]
    try:
        mod = importlib.import_module(f".{mod_name}", __name__)
    except ModuleNotFoundError as exc:
        raise UsageError(f"format {fmt!r} is not available in this build") from exc
    return getattr(mod, fn)  # type: ignore[no-any-return]


def available_formats() -> list[str]:
    out = []
    for fmt, (mod_name, _, _) in FORMATS.items():
        if importlib.util.find_spec(f"{__name__}.{mod_name}") is not None:
            out.append(fmt)
    return out


def parse_formats(spec: str) -> list[str]:
    fmts = [f.strip().lower() for f in spec.split(",") if f.strip()]
    if not fmts:
        raise UsageError("--format is empty: give e.g. txt,json")
    for f in fmts:
        renderer(f)
    return fmts


def suffix(fmt: str) -> str:
    return FORMATS[fmt][2]


def render(doc: Document, fmt: str, **kwargs: object) -> bytes:
    return renderer(fmt)(doc, **kwargs)


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror}); check the output folder") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the permissions a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{target}: cannot write ({exc.strerror}); check the output folder") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_outputs(doc: Document, outdir: str | Path, stem: str, formats: list[str], **kwargs: object) -> list[Path]:
    """Render every format first, then write each atomically; returns the paths."""
    rendered: list[tuple[Path, bytes]] = []
    for fmt in formats:
        if fmt == "page" and len(doc.pages) > 1:
            # PAGE XML holds one page per file: stem.p1.page.xml, stem.p2.page.xml, ...
            from .pagexml import render_pages

            for number, data in render_pages(doc):
                rendered.append((Path(outdir) / f"{stem}.p{number}{suffix(fmt)}", data))
            continue
        rendered.append((Path(outdir) / (stem + suffix(fmt)), render(doc, fmt, **kwargs)))
    for p, data in rendered:
        atomic_write(p, data)
    return [p for p, _ in rendered]
