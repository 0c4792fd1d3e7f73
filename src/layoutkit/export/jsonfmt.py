"""JSON export of the whole document, and reading it back.

The layout is described by ``layoutkit/schema/document.schema.json``
(``schema_version`` below).  Boxes are ``[x0, top, x1, bottom]`` in page
pixels, top-left origin.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import (
    SCHEMA_VERSION,
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


def _box(b: BBox) -> list[int]:
    return [b.x0, b.top, b.x1, b.bottom]


def _word(w: Word) -> dict[str, Any]:
    d: dict[str, Any] = {"text": w.text, "bbox": _box(w.bbox), "confidence": round(w.confidence, 2)}
    if w.font_size:
        d["font_size"] = round(w.font_size, 2)
    if w.bold:
        d["bold"] = True
    return d


def _line(ln: Line) -> dict[str, Any]:
    return {
        "text": ln.text,
        "bbox": _box(ln.bbox),
        "confidence": round(ln.confidence, 2),
        "words": [_word(w) for w in ln.words],
    }


def _block(b: Block, order: int, article_of: dict[str, str]) -> dict[str, Any]:
    return {
        "id": b.id,
        "kind": b.kind.value,
        "bbox": _box(b.bbox),
        "order": order,
        "article": article_of.get(b.id),
        "column": b.column,
        "span": b.span,
        "language": b.language,
        "vertical": b.vertical,
        "lines": [_line(ln) for ln in b.lines],
    }


def _join(j: Join) -> dict[str, Any]:
    return {
        "kind": j.kind.value,
        "left": j.left,
        "right": j.right,
        "reason": j.reason,
        "removed": j.removed,
        "inserted": j.inserted,
        "left_ref": j.left_ref,
        "right_ref": j.right_ref,
    }


def to_dict(doc: Document) -> dict[str, Any]:
    article_of = {bid: a.id for a in doc.articles for bid in a.block_ids}
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"layoutkit {__version__}",
        "source": doc.source,
        "status": doc.status.value,
        "metadata": dict(doc.metadata),
        "pages": [
            {
                "number": p.number,
                "width": p.width,
                "height": p.height,
                "dpi": p.dpi,
                "status": p.status.value,
                "path": p.path,
                "engine": p.engine,
                "skew": round(p.skew, 3),
                "message": p.message,
                "timings": {k: round(v, 4) for k, v in p.timings},
                "blocks": [_block(b, i, article_of) for i, b in enumerate(p.blocks)],
            }
            for p in doc.pages
        ],
        "articles": [
            {
                "id": a.id,
                "headline": a.headline,
                "paragraphs": [
                    {"text": para.text, "kind": para.kind.value, "blocks": list(para.block_ids)}
                    for para in a.paragraphs
                ],
                "blocks": list(a.block_ids),
                "pages": list(a.pages),
                "jumps": list(a.jumps),
                "joins": [_join(j) for j in a.joins],
            }
            for a in doc.articles
        ],
    }


def render(doc: Document, **_: object) -> bytes:
    return (json.dumps(to_dict(doc), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _bbox(v: list[int]) -> BBox:
    return BBox(int(v[0]), int(v[1]), int(v[2]), int(v[3]))


def from_dict(d: dict[str, Any]) -> Document:
    """Rebuild a :class:`Document` from :func:`to_dict` output."""
    pages = []
    for p in d.get("pages", []):
        blocks = tuple(
            Block(
                id=b["id"],
                kind=BlockKind(b["kind"]),
                bbox=_bbox(b["bbox"]),
                lines=tuple(
                    Line(
                        ln["text"],
                        _bbox(ln["bbox"]),
                        tuple(
                            Word(w["text"], _bbox(w["bbox"]), float(w.get("confidence", -1)),
                                 float(w.get("font_size", 0)), bool(w.get("bold", False)))
                            for w in ln.get("words", [])
                        ),
                        float(ln.get("confidence", -1)),
                    )
                    for ln in b.get("lines", [])
                ),
                column=int(b.get("column", -1)),
                span=int(b.get("span", 1)),
                language=b.get("language", ""),
                vertical=bool(b.get("vertical", False)),
            )
            for b in sorted(p.get("blocks", []), key=lambda b: b.get("order", 0))
        )
        pages.append(
            Page(
                number=int(p["number"]),
                width=int(p["width"]),
                height=int(p["height"]),
                dpi=int(p["dpi"]),
                blocks=blocks,
                status=PageStatus(p.get("status", "ok")),
                skew=float(p.get("skew", 0.0)),
                path=p.get("path", "ocr"),
                engine=p.get("engine", ""),
                message=p.get("message", ""),
                timings=tuple((k, float(v)) for k, v in p.get("timings", {}).items()),
            )
        )
    articles = tuple(
        Article(
            id=a["id"],
            headline=a.get("headline", ""),
            paragraphs=tuple(
                Paragraph(q["text"], BlockKind(q.get("kind", "body")), tuple(q.get("blocks", [])))
                for q in a.get("paragraphs", [])
            ),
            block_ids=tuple(a.get("blocks", [])),
            joins=tuple(
                Join(JoinKind(j["kind"]), j["left"], j["right"], j["reason"], j.get("removed", ""),
                     j.get("inserted", ""), j.get("left_ref", ""), j.get("right_ref", ""))
                for j in a.get("joins", [])
            ),
            pages=tuple(a.get("pages", [])),
            jumps=tuple(a.get("jumps", [])),
        )
        for a in d.get("articles", [])
    )
    return Document(d.get("source", ""), tuple(pages), articles, tuple(d.get("metadata", {}).items()))


def loads(data: str | bytes) -> Document:
    return from_dict(json.loads(data))
