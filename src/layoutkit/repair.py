"""Layout-based break repair: an article's blocks -> headline, paragraphs, joins.

Called by :mod:`layoutkit.articles` for every article, scans and PDFs alike.
Geometry is in page pixels (top-left origin) as in :mod:`layoutkit.model`;
``em`` is the median line thickness of a block (line height for horizontal
text, line width for vertical text), which is close to the font size.

Paragraph starts come from layout evidence: a first-line indent (more than
~0.6 em from the block's left edge; Chinese indents 2 em, Latin ~1 em), a
short previous line, a vertical gap larger than the normal line pitch, and
terminal punctuation.  A paragraph whose last line in one block is full and
whose next block starts without an indent continues there (a COLUMN join,
or a PAGE join when the blocks are on different pages).  Lines join without
a space in CJK text and with one space in Latin text; line-end hyphens are
decided with the lexicon (:mod:`layoutkit.hyphenation`).  Spaces between CJK
characters are removed unless the word boxes show a printed gap (more than
half an em).  Every COLUMN, PAGE, HYPHEN and SPACE join is recorded; plain
LINE joins are not (they would bloat the JSON and carry no decision beyond
"same paragraph").
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from .breaks import (
    cjk_space_at,
    continuation,
    ends_sentence,
    excerpt_left,
    excerpt_right,
    glue,
    is_dateline,
    language_of,
    starts_with_no_line_start,
)
from .model import Block, BlockKind, Join, JoinKind, Line, Paragraph
from .options import RepairOptions
from .textutil import is_cjk_text

#: block kinds that carry article text, in the order they are handled
_FLOW_KINDS = (BlockKind.BODY, BlockKind.SUBHEAD, BlockKind.BYLINE)

INDENT_EM = 0.6  # first-line indent threshold, in em
SHORT_EM = 1.5  # a line ending this far left of the right edge is short, in em
GAP_PITCH = 1.45  # a gap above this many normal line pitches separates paragraphs


@dataclass(frozen=True, slots=True)
class _Geom:
    """Per-block geometry along the line direction: ``left``/``right`` are the
    text edges (x for horizontal text, y for vertical), ``em`` the line
    thickness, ``pitch`` the normal distance between line starts (0 when
    unknown)."""

    left: float
    right: float
    em: float
    pitch: float
    vertical: bool


def _start(ln: Line, vertical: bool) -> int:
    return ln.bbox.top if vertical else ln.bbox.x0


def _end(ln: Line, vertical: bool) -> int:
    return ln.bbox.bottom if vertical else ln.bbox.x1


def _geom(block: Block) -> _Geom:
    lines = [ln for ln in block.lines if ln.text.strip()]
    v = block.vertical
    if not lines:
        return _Geom(0, 0, 1, 0, v)
    em = float(statistics.median((ln.bbox.width if v else ln.bbox.height) for ln in lines)) or 1.0
    left = float(min(_start(ln, v) for ln in lines))
    ends = sorted((_end(ln, v) for ln in lines), reverse=True)
    # the measure is where full lines end: the rightmost end shared by two
    # lines (punctuation hanging into the margin sticks out of one line only)
    right = float(ends[0])
    for e in ends:
        if sum(abs(x - e) <= 0.5 * em for x in ends) >= 2:
            right = float(max(x for x in ends if abs(x - e) <= 0.5 * em))
            break
    if len(lines) < 3:
        # too few lines to know the measure: trust the block box when it is close
        box_right = float(block.bbox.bottom if v else block.bbox.x1)
        if box_right - right < 2 * em:
            right = max(right, box_right - 0.3 * em)
    steps = []
    for a, b in zip(lines, lines[1:], strict=False):
        d = (a.bbox.x0 - b.bbox.x0) if v else (b.bbox.top - a.bbox.top)
        if d > 0:
            steps.append(d)
    pitch = float(statistics.median(steps)) if steps else 0.0
    return _Geom(left, right, em, pitch, v)


def _indented(ln: Line, g: _Geom) -> bool:
    return _start(ln, g.vertical) - g.left > INDENT_EM * g.em


def _full(ln: Line, g: _Geom, latin: bool) -> bool:
    # ragged-right Latin text leaves up to a long word of room at a line end
    slack = (4.0 if latin else 1.0) * g.em
    return _end(ln, g.vertical) >= g.right - slack


def _short(ln: Line, g: _Geom, latin: bool) -> bool:
    slack = (6.0 if latin else SHORT_EM) * g.em
    return _end(ln, g.vertical) < g.right - slack


def _gap_before(prev: Line, ln: Line, g: _Geom) -> bool:
    if g.pitch <= 0:
        return False
    d = (prev.bbox.x0 - ln.bbox.x0) if g.vertical else (ln.bbox.top - prev.bbox.top)
    return d > GAP_PITCH * g.pitch


def _page_of(block_id: str) -> str:
    head = block_id.split("-", 1)[0]
    return head if head.startswith("p") and "-" in block_id else ""


def despace_line(ln: Line, ref: str, remove: bool = True) -> tuple[str, list[Join]]:
    """The line text with spaces between CJK characters removed unless the
    word boxes show a printed gap wider than half an em; the removed spaces
    as SPACE joins (``ref`` names the block)."""
    text = ln.text
    if not remove or not any(cjk_space_at(text, i) for i, c in enumerate(text) if c == " "):
        return text, []
    words = [w for w in ln.words if w.text.strip()]
    em = float(statistics.median(w.bbox.height for w in words)) if words else float(ln.bbox.height or 1)
    # map each non-space character of the text to the word it came from
    owner: list[int] = []
    for k, w in enumerate(words):
        owner.extend([k] * len("".join(w.text.split())))
    compact = "".join(text.split())
    # (position by position: the text may differ from the words' in marks
    # made consistent since -- a half-width ")" read, "）" printed)
    aligned = len(owner) == len(compact)
    out: list[str] = []
    joins: list[Join] = []
    last = 0
    pos = 0  # index into compact
    for i, ch in enumerate(text):
        if not ch.isspace():
            pos += 1
            continue
        if not cjk_space_at(text, i):
            continue
        if aligned and 0 < pos < len(owner):
            a, b = words[owner[pos - 1]], words[owner[pos]]
            gap = (b.bbox.top - a.bbox.bottom) if abs(b.bbox.x0 - a.bbox.x0) < em and b.bbox.top > a.bbox.top else (
                b.bbox.x0 - a.bbox.x1)
            if owner[pos - 1] != owner[pos] and gap > 0.5 * em:
                continue  # printed gap
            reason = f"space between CJK characters, printed gap {gap}px <= half an em ({em / 2:.0f}px)"
        else:
            reason = "space between CJK characters (no word boxes to show a printed gap)"
        out.append(text[last:i])
        last = i + 1
        joins.append(Join(JoinKind.SPACE, text[max(0, i - 10):i], text[i + 1:i + 11], reason,
                          removed=ch, left_ref=ref, right_ref=ref))
    out.append(text[last:])
    return "".join(out), joins


@dataclass
class _Para:
    """A paragraph under construction (private, mutable)."""

    text: str
    kind: BlockKind
    block_ids: list[str]
    last_line: Line | None = None
    last_geom: _Geom | None = None
    closed: bool = False
    extra: list[Join] = field(default_factory=list)


def _headline_text(blocks: Sequence[Block], language: str, remove_spaces: bool,
                   joins: list[Join]) -> str:
    parts: list[str] = []
    prev: Block | None = None
    for b in blocks:
        text = ""
        for ln in b.lines:
            t, sj = despace_line(ln, b.id, remove_spaces)
            joins.extend(sj)
            t = t.strip()
            if not t:
                continue
            if not text:
                text = t
                continue
            g = glue(text, t, language, dehyphenate=True)
            if g.hyphen:
                joins.append(Join(JoinKind.HYPHEN, excerpt_left(text), excerpt_right(t), g.reason,
                                  removed=g.removed, left_ref=b.id, right_ref=b.id))
            text = g.left + g.sep + g.right
        if not text:
            continue
        if parts and prev is not None and _next_line_of(prev, b):
            # one headline's lines found as two blocks: glued as lines are
            g = glue(parts[-1], text, language, dehyphenate=True)
            parts[-1] = g.left + g.sep + g.right
        else:
            parts.append(text)
        prev = b
    return " ".join(parts)


def _next_line_of(above: Block, below: Block) -> bool:
    """Whether headline block ``below`` holds the next line of the headline
    in ``above``: type of the same size (line heights within 15%), set right
    under it (less than half a line apart, or overlapping by less than a
    third: engines' line boxes run taller than the ink).  A kicker or a deck over or
    under a headline is another size: its text stays apart by a space."""
    if not above.lines or not below.lines:
        return False
    a, b = above.lines[-1].bbox, below.lines[0].bbox
    if a.overlap_x(b) <= 0:
        return False
    # a line's box is the union of its words' boxes, and an engine gives a
    # few glyphs boxes far taller than their ink (全市外 of 前三季度全市外):
    # the line's extent is the median of its words' tops and bottoms
    # -- or, where the engine's glyph boxes alternate between two heights,
    # the boxes of the whole lines: either measure may tell the lines alike
    for (a_top, a_bottom), (b_top, b_bottom) in (
            (_core_rows(above.lines[-1]), _core_rows(below.lines[0])), ((a.top, a.bottom), (b.top, b.bottom))):
        ha, hb = a_bottom - a_top, b_bottom - b_top
        size = max(ha, hb)
        # (engines' line boxes run taller than the ink: they may overlap a little)
        if size > 0 and abs(ha - hb) <= 0.15 * size and -0.3 * size <= b_top - a_bottom < 0.5 * size:
            return True
    return False


def _core_rows(ln: Line) -> tuple[float, float]:
    """Top and bottom of a line: in CJK text (glyphs of one height) the
    medians of its words' (three words at least), else its box's."""
    boxes = [w.bbox for w in ln.words if w.text.strip()]
    if len(boxes) < 3 or not is_cjk_text(ln.text):
        return float(ln.bbox.top), float(ln.bbox.bottom)
    return float(statistics.median(bx.top for bx in boxes)), float(statistics.median(bx.bottom for bx in boxes))


def assemble_article(blocks: Sequence[Block], options: RepairOptions) -> tuple[str, tuple[Paragraph, ...], tuple[Join, ...]]:
    """Headline, paragraphs and joins of one article.

    ``blocks`` are the article's blocks in reading order (headline, subhead,
    byline, body, caption; photo, rule, jump, header and footer blocks are
    skipped).  Each body block is one column piece; blocks whose ids have
    different ``pN-`` prefixes are on different pages (PAGE joins).
    """
    opts = options
    sample = " ".join(ln.text for b in blocks if b.kind in (*_FLOW_KINDS, BlockKind.HEADLINE) for ln in b.lines[:20])
    language = language_of(sample, opts.language)
    latin = language != "zh"
    joins: list[Join] = []

    heads: list[Block] = []
    flow: list[Block] = []
    captions: list[Block] = []
    for b in blocks:
        if not b.lines:
            continue
        if b.kind == BlockKind.HEADLINE and not flow:
            heads.append(b)
        elif b.kind == BlockKind.HEADLINE:
            flow.append(Block(b.id, BlockKind.SUBHEAD, b.bbox, b.lines, b.column, b.span, b.language, b.vertical))
        elif b.kind in _FLOW_KINDS:
            flow.append(b)
        elif b.kind == BlockKind.CAPTION:
            captions.append(b)
    headline = _headline_text(heads, language, opts.remove_cjk_spaces, joins)

    # Does this article mark paragraphs with indents?  Then an unindented
    # column top continues the paragraph even after a sentence end.
    uses_indent = False
    for b in flow:
        if b.kind != BlockKind.BODY:
            continue
        g = _geom(b)
        if any(_indented(ln, g) for ln in b.lines[1:] if ln.text.strip()):
            uses_indent = True
            break

    paras: list[_Para] = []
    for b in flow:
        g = _geom(b)
        if b.kind != BlockKind.BODY:
            text = _headline_text([b], language, opts.remove_cjk_spaces, joins)
            if text:
                paras.append(_Para(text, b.kind, [b.id], closed=True))
            continue
        prev_line: Line | None = None
        for ln in b.lines:
            t, sj = despace_line(ln, b.id, opts.remove_cjk_spaces)
            t = t.strip()
            if not t:
                continue
            cur = paras[-1] if paras else None
            if prev_line is None:
                # first line of a block: a column top
                start, kind, reason = _column_decision(cur, ln, t, g, b, uses_indent, latin, opts)
            else:
                start, kind, reason = _line_decision(cur, prev_line, ln, t, g, latin, opts)
            joins.extend(sj)
            if start or cur is None:
                paras.append(_Para(t, BlockKind.BODY, [b.id], ln, g))
            else:
                gl = glue(cur.text, t, language, opts.dehyphenate)
                left_ref = cur.block_ids[-1]
                if kind != JoinKind.LINE or gl.hyphen:
                    joins.append(Join(
                        JoinKind.HYPHEN if gl.hyphen else kind,
                        excerpt_left(cur.text), excerpt_right(t),
                        (f"{kind.value} break: " if gl.hyphen and kind != JoinKind.LINE else "") + reason
                        + "; " + gl.reason,
                        removed=gl.removed, inserted=gl.sep, left_ref=left_ref, right_ref=b.id,
                    ))
                cur.text = gl.left + gl.sep + gl.right
                if b.id not in cur.block_ids:
                    cur.block_ids.append(b.id)
                cur.last_line, cur.last_geom = ln, g
            prev_line = ln

    out = [Paragraph(p.text, p.kind, tuple(p.block_ids)) for p in paras if p.text]
    for c in captions:
        text = _headline_text([c], language, opts.remove_cjk_spaces, joins)
        if text:
            out.append(Paragraph(text, BlockKind.CAPTION, (c.id,)))
    return headline, tuple(out), tuple(joins)


def _line_decision(cur: _Para | None, prev: Line, ln: Line, text: str, g: _Geom, latin: bool,
                   opts: RepairOptions) -> tuple[bool, JoinKind, str]:
    """Whether ``ln`` (not the first line of its block) starts a paragraph."""
    if cur is None or cur.closed:
        return True, JoinKind.LINE, "start"
    if not opts.join_lines:
        return True, JoinKind.LINE, "line joining off"
    if starts_with_no_line_start(text):
        return False, JoinKind.LINE, "line starts with punctuation that cannot start a line"
    if _indented(ln, g):
        return True, JoinKind.LINE, "first-line indent"
    if _gap_before(prev, ln, g):
        return True, JoinKind.LINE, "vertical gap"
    prev_text = cur.text
    if _short(prev, g, latin) and (ends_sentence(prev_text) or not latin):
        return True, JoinKind.LINE, "previous line is short"
    if is_dateline(text) and ends_sentence(prev_text):
        return True, JoinKind.LINE, "dateline"
    return False, JoinKind.LINE, "same paragraph"


def _column_decision(cur: _Para | None, ln: Line, text: str, g: _Geom, b: Block, uses_indent: bool,
                     latin: bool, opts: RepairOptions) -> tuple[bool, JoinKind, str]:
    """Whether the first line of block ``b`` starts a paragraph or continues
    the previous block's last paragraph (a column or page continuation)."""
    if cur is None or cur.closed or cur.last_line is None or cur.last_geom is None:
        return True, JoinKind.COLUMN, "start"
    left_ref = cur.block_ids[-1]
    kind = JoinKind.PAGE if _page_of(left_ref) != _page_of(b.id) else JoinKind.COLUMN
    allowed = opts.join_pages if kind == JoinKind.PAGE else opts.join_columns
    if not allowed:
        return True, kind, f"{kind.value} joining off"
    text_v = continuation(cur.text, text, lexical=False)
    if text_v.strong and text_v.join and starts_with_no_line_start(text):
        return False, kind, text_v.reason
    indented = _indented(ln, g) if len([x for x in b.lines if x.text.strip()]) > 1 else (
        _start(ln, g.vertical) - g.left > INDENT_EM * g.em)
    if indented:
        return True, kind, "next block starts with an indent"
    last_full = _full(cur.last_line, cur.last_geom, latin)
    if text_v.strong and not text_v.join and not text_v.reason.startswith("left part ends a sentence"):
        return True, kind, text_v.reason  # dateline, byline, caption, photo credit
    if last_full and uses_indent:
        return False, kind, "last line of the previous block is full and this block starts without an indent"
    if last_full and text_v.join:
        return False, kind, "last line of the previous block is full; " + text_v.reason
    if not last_full and text_v.join and text_v.strong and not text_v.lexical:
        return False, kind, "previous block ends short, but " + text_v.reason
    if last_full and not uses_indent and not ends_sentence(cur.text):
        return False, kind, "last line of the previous block is full and no sentence ends there"
    return True, kind, "previous paragraph ends there" if not last_full else text_v.reason
