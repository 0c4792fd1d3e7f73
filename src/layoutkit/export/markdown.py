"""Markdown export (``--format md``): the articles, readable as they are.

One ``## headline`` per article in reading order (``## (untitled)`` when it
has none), then its paragraphs separated by blank lines: body and bylines as
plain paragraphs, subheads as ``### ...``, captions in italics.  When the
document has several pages, ``<!-- page N -->`` marks where page N starts
(before the first article or paragraph that comes from it).  Characters that
Markdown would read as markup are escaped with a backslash, so the text
comes back unchanged when the Markdown is rendered.
"""

from __future__ import annotations

import re

from ..model import BlockKind, Document
from ..textutil import needs_space

# block starts: headings, quotes, lists, numbered lists, tables, code fences, setext underlines
_LINE_START = re.compile(r"^(\s*)([#>+|]|[-*](?=\s|$)|=+\s*$|-+\s*$|```|~~~|(\d+)([.)])(?=\s|$))")
_INLINE = re.compile(r"([\\`*_\[\]<>])")


def escape(text: str) -> str:
    """Escape ``text`` so Markdown renders it literally (one paragraph)."""
    out = _INLINE.sub(r"\\\1", text)
    m = _LINE_START.match(out)
    if m:
        lead, tok = m.group(1), m.group(2)
        if m.group(3):  # "1." -> "1\."
            tok = m.group(3) + "\\" + m.group(4)
        else:
            tok = "\\" + tok
        out = lead + tok + out[m.end():]
    return out


def _one_line(text: str) -> str:
    """Join a possibly multi-line headline: no space between CJK pieces."""
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    out = ""
    for p in parts:
        out = out + (" " if out and needs_space(out, p) else "") + p
    return out


def render(doc: Document, **_: object) -> bytes:
    """Markdown (UTF-8) of the document's articles."""
    page_of = {b.id: p.number for p in doc.pages for b in p.blocks}
    multi = len(doc.pages) > 1
    out: list[str] = []
    current = 0

    def mark(block_ids: tuple[str, ...] | list[str]) -> None:
        nonlocal current
        pages = [page_of[b] for b in block_ids if b in page_of]
        if multi and pages and pages[0] != current:
            current = pages[0]
            out.append(f"<!-- page {current} -->")

    for art in doc.articles:
        mark(list(art.block_ids))
        head = _one_line(art.headline)
        out.append(f"## {escape(head)}" if head else "## (untitled)")
        for para in art.paragraphs:
            text = _one_line(para.text)
            if not text:
                continue
            mark(list(para.block_ids))
            if para.kind == BlockKind.CAPTION:
                out.append(f"*{escape(text)}*")
            elif para.kind == BlockKind.SUBHEAD:
                out.append(f"### {escape(_one_line(text))}")
            else:
                out.append(escape(text))
    return ("\n\n".join(out) + "\n").encode("utf-8") if out else b""
