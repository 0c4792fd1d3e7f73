"""The text format (a contract): UTF-8; articles in reading order separated
by exactly one blank line; an article's first line is its headline when it
has one; then one paragraph per line."""

from __future__ import annotations

from ..model import Document


def render(doc: Document, **_: object) -> bytes:
    return doc.text.encode("utf-8")
