"""layoutkit: newspaper pages (scans and PDFs) to clean article text.

Importable API (the CLI is a thin layer over it)::

    from layoutkit import convert_file, ConvertOptions
    doc = convert_file("page.png")
    print(doc.text)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .model import (  # noqa: E402
    Article,
    BBox,
    Block,
    BlockKind,
    Document,
    Join,
    JoinKind,
    Line,
    Page,
    PageStatus,
    Paragraph,
    Word,
)
from .options import ConvertOptions, PreprocessOptions, RepairOptions  # noqa: E402


def convert_file(path: str, options: ConvertOptions | None = None) -> Document:
    """Convert one image or PDF file into a :class:`Document` (see :mod:`layoutkit.pipeline`)."""
    from .pipeline import convert_file as _convert

    return _convert(path, options or ConvertOptions())


__all__ = [
    "Article", "BBox", "Block", "BlockKind", "ConvertOptions", "Document", "Join", "JoinKind",
    "Line", "Page", "PageStatus", "Paragraph", "PreprocessOptions", "RepairOptions", "Word",
    "__version__", "convert_file",
]
