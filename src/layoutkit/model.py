"""Core data model: frozen dataclasses in one coordinate frame.

Coordinates are integer pixels of the page image as it was analysed (after
deskew), origin top-left, ``x`` to the right and ``y`` downwards.  For pages
that come from a PDF text layer the frame is the PDF page rendered at
``Page.dpi``.  Every object is immutable; transforms return new objects.

This module imports nothing else from the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from enum import Enum

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True, slots=True)
class BBox:
    """Axis-aligned box ``[x0, x1) x [top, bottom)`` in page pixels."""

    x0: int
    top: int
    x1: int
    bottom: int

    def __post_init__(self) -> None:
        if self.x1 < self.x0 or self.bottom < self.top:
            raise ValueError(f"invalid bbox {self.as_tuple()}")

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.x0, self.top, self.x1, self.bottom)

    def shift(self, dx: int, dy: int) -> BBox:
        return BBox(self.x0 + dx, self.top + dy, self.x1 + dx, self.bottom + dy)

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.x0, other.x0),
            min(self.top, other.top),
            max(self.x1, other.x1),
            max(self.bottom, other.bottom),
        )

    def intersection(self, other: BBox) -> BBox | None:
        x0, top = max(self.x0, other.x0), max(self.top, other.top)
        x1, bottom = min(self.x1, other.x1), min(self.bottom, other.bottom)
        if x1 <= x0 or bottom <= top:
            return None
        return BBox(x0, top, x1, bottom)

    def overlap_x(self, other: BBox) -> int:
        """Length of the horizontal overlap in pixels (0 when disjoint)."""
        return max(0, min(self.x1, other.x1) - max(self.x0, other.x0))

    def overlap_y(self, other: BBox) -> int:
        """Length of the vertical overlap in pixels (0 when disjoint)."""
        return max(0, min(self.bottom, other.bottom) - max(self.top, other.top))

    def iou(self, other: BBox) -> float:
        inter = self.intersection(other)
        if inter is None:
            return 0.0
        return inter.area / float(self.area + other.area - inter.area)

    def contains(self, other: BBox) -> bool:
        return (
            self.x0 <= other.x0
            and self.top <= other.top
            and self.x1 >= other.x1
            and self.bottom >= other.bottom
        )

    @staticmethod
    def enclosing(boxes: Iterable[BBox]) -> BBox:
        it = iter(boxes)
        try:
            out = next(it)
        except StopIteration:
            raise ValueError("enclosing() of no boxes") from None
        for b in it:
            out = out.union(b)
        return out


@dataclass(frozen=True, slots=True)
class Word:
    """A recognised word (for CJK usually one character).

    ``confidence`` is 0..100 as engines report it; -1 when unknown.
    ``font_size`` is in page pixels when known (PDF text layer), else 0.
    """

    text: str
    bbox: BBox
    confidence: float = -1.0
    font_size: float = 0.0
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Line:
    """One printed line.  ``text`` is the line as repaired inside the line:
    no spaces between CJK characters unless printed, single spaces between
    Latin words.  ``words`` keep the boxes the engine gave."""

    text: str
    bbox: BBox
    words: tuple[Word, ...] = ()
    confidence: float = -1.0

    def shift(self, dx: int, dy: int) -> Line:
        return Line(
            self.text,
            self.bbox.shift(dx, dy),
            tuple(replace(w, bbox=w.bbox.shift(dx, dy)) for w in self.words),
            self.confidence,
        )


class BlockKind(str, Enum):
    HEADLINE = "headline"
    SUBHEAD = "subhead"
    BODY = "body"
    CAPTION = "caption"
    BYLINE = "byline"
    HEADER = "header"
    FOOTER = "footer"
    PHOTO = "photo"
    RULE = "rule"
    JUMP = "jump"  # "下转第2版", "Continued on Page 5": kept in JSON, not in text

    def __str__(self) -> str:
        return self.value


TEXT_KINDS = frozenset(
    {BlockKind.HEADLINE, BlockKind.SUBHEAD, BlockKind.BODY, BlockKind.CAPTION,
     BlockKind.BYLINE, BlockKind.HEADER, BlockKind.FOOTER, BlockKind.JUMP}
)


@dataclass(frozen=True, slots=True)
class Block:
    """A region of one kind.  ``id`` is unique in the document (``p1-b7``).
    ``column`` is the index of the first layout column it starts in (or -1);
    ``span`` how many columns it covers.  ``vertical`` is True for
    top-to-bottom text lines (CJK vertical writing)."""

    id: str
    kind: BlockKind
    bbox: BBox
    lines: tuple[Line, ...] = ()
    column: int = -1
    span: int = 1
    language: str = ""
    vertical: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class PageStatus(str, Enum):
    OK = "ok"
    EMPTY = "empty"
    FAILED = "failed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Page:
    """One page.  ``blocks`` are in reading order.  ``skew`` is the angle in
    degrees that preprocessing corrected (positive = counter-clockwise).
    ``path`` says how text was obtained: ``ocr`` or ``text-layer``."""

    number: int
    width: int
    height: int
    dpi: int
    blocks: tuple[Block, ...] = ()
    status: PageStatus = PageStatus.OK
    skew: float = 0.0
    path: str = "ocr"
    engine: str = ""
    message: str = ""
    timings: tuple[tuple[str, float], ...] = ()

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)


class JoinKind(str, Enum):
    LINE = "line"        # two lines of one paragraph in one column
    COLUMN = "column"    # paragraph continued at the top of the next column
    PAGE = "page"        # article continued on another page (jump lines)
    HYPHEN = "hyphen"    # a break hyphen removed between two halves of a word
    SPACE = "space"      # spaces an engine put between CJK characters removed

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Join:
    """One repair.  ``left``/``right`` are short excerpts (up to ~12 chars)
    on either side of the join; ``removed`` is what was taken out (a break
    hyphen, spaces), ``inserted`` what was put in (a space for Latin text).
    ``left_ref``/``right_ref`` name the blocks (``p1-b3``) or ``line:N`` of
    text input; ``reason`` is the evidence in words."""

    kind: JoinKind
    left: str
    right: str
    reason: str
    removed: str = ""
    inserted: str = ""
    left_ref: str = ""
    right_ref: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of an article, text on one line.  ``kind`` is the kind of
    block it came from (body, byline, subhead, caption)."""

    text: str
    kind: BlockKind = BlockKind.BODY
    block_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """An article: headline (may be empty), paragraphs in reading order,
    the ids of its blocks in reading order, and every join made."""

    id: str
    headline: str
    paragraphs: tuple[Paragraph, ...]
    block_ids: tuple[str, ...] = ()
    joins: tuple[Join, ...] = ()
    pages: tuple[int, ...] = ()
    jumps: tuple[str, ...] = ()  # jump-line texts removed from the text

    @property
    def text(self) -> str:
        """The article in the project's text format (no trailing newline)."""
        lines = [self.headline] if self.headline else []
        lines.extend(p.text for p in self.paragraphs if p.text)
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Document:
    source: str
    pages: tuple[Page, ...] = ()
    articles: tuple[Article, ...] = ()
    metadata: tuple[tuple[str, str], ...] = field(default=())

    @property
    def status(self) -> PageStatus:
        if not self.pages:
            return PageStatus.EMPTY
        if all(p.status == PageStatus.FAILED for p in self.pages):
            return PageStatus.FAILED
        if all(p.status == PageStatus.EMPTY for p in self.pages):
            return PageStatus.EMPTY
        return PageStatus.OK

    def blocks(self) -> Iterator[Block]:
        for page in self.pages:
            yield from page.blocks

    @property
    def text(self) -> str:
        """The document in the text format: articles separated by one blank line."""
        return "\n\n".join(a.text for a in self.articles if a.text) + ("\n" if self.articles else "")
