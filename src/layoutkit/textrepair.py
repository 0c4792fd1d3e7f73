"""Text-only break repair: text someone already extracted in, articles out.

Input is plain text in which paragraphs are separated by blank lines and a
paragraph cut by a column end shows up as two paragraphs (the form of
``../shared/seed/000_24a69f92f399e6af.txt``); hard-wrapped lines (a single
newline inside a paragraph) and form feeds (page breaks) are handled too.
Output is the project's text format: articles separated by one blank line,
headline first, one paragraph per line.

Everything is decided from the text alone (see :mod:`layoutkit.breaks`):
punctuation at the end of the left part, whether the right part can start a
paragraph, whether a word spans the break, headline shape, dateline openers,
captions.  Every join is recorded as a :class:`~layoutkit.model.Join` whose
``left_ref``/``right_ref`` are ``line:N`` (1-based input line numbers).
Nothing is dropped: every non-space character of the input is in the output
except removed break hyphens and removed OCR spaces, which are recorded in
the joins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from .articles import Jump, pair_jumps, parse_jump, split_jump
from .breaks import (
    CJK_SPACE_RE,
    Glue,
    cjk_ratio,
    cjk_space_at,
    continuation,
    dictionary_word,
    display_width,
    ends_sentence,
    ends_with_credit,
    excerpt_left,
    excerpt_right,
    glue,
    headline_shaped,
    is_byline,
    is_caption_start,
    is_dateline,
    is_han,
    language_of,
    title_case,
    word_spanning,
)
from .errors import BadInput
from .model import Article, BlockKind, Join, JoinKind, Paragraph
from .options import RepairOptions
from .textutil import is_cjk_char


@dataclass(frozen=True)
class TextRepairOptions:
    """Switches for text-only repair.  ``repair`` carries the shared switches
    (join_lines, join_columns, join_pages, dehyphenate, remove_cjk_spaces,
    language); ``headlines`` turns headline/article detection on;
    ``article_gap`` is the number of blank lines that always separates
    articles (when it is more than the usual paragraph gap);
    ``inline_hyphens`` also weighs hyphens inside lines of Latin text
    ("equip-ment": extractors often keep a line-end hyphen when they join
    the lines of a block) with the lexicon."""

    repair: RepairOptions = field(default_factory=RepairOptions)
    headlines: bool = True
    article_gap: int = 3
    inline_hyphens: bool = True  # "recon-struction" inside a line: a line-end hyphen the extractor kept


@dataclass(frozen=True)
class JumpLine:
    """A jump line found in the input and taken out of the text: its text,
    ``direction`` (``to``: "下转第2版", "Continued on Page 2"; ``from``:
    "上接第1版", "FLOOD, from Page 1"), the printed ``page`` it names, the
    catch ``keyword`` (may be empty), its 1-based input ``line``, the
    ``article`` id it belongs to and whether it was ``linked`` to its other
    end (then the two parts are one article, joined by a PAGE join)."""

    text: str
    direction: str
    page: int
    keyword: str
    line: int
    article: str = ""
    linked: bool = False


@dataclass(frozen=True)
class RepairResult:
    """``articles`` in input order (joins inside each); ``text`` in the text
    format; ``jumps`` every jump line taken out of the text; ``moved`` the
    continuations that were moved to their article, as (first input line,
    last input line, input line they now follow), all 1-based."""

    articles: tuple[Article, ...]
    text: str
    jumps: tuple[JumpLine, ...] = ()
    moved: tuple[tuple[int, int, int], ...] = ()

    @property
    def joins(self) -> tuple[Join, ...]:
        return tuple(j for a in self.articles for j in a.joins)


@dataclass(frozen=True, slots=True)
class _Piece:
    """One non-blank input line: text without indentation and trailing
    spaces, its 1-based line number, whether it was indented, and the
    separator before it: ``start``, ``newline``, ``blank`` (1..gap-1 blank
    lines), ``page`` (form feed) or ``gap`` (an article gap)."""

    text: str
    line: int
    indented: bool
    sep: str
    blanks: int


@dataclass
class _Unit:
    """A paragraph being built (mutable while assembling, private)."""

    text: str
    first: int
    last: int
    kind: BlockKind = BlockKind.BODY
    headline_block: bool = False  # several short lines without punctuation
    joins: list[Join] = field(default_factory=list)
    sep_before: str = "start"
    indented: bool = False
    chunk_head: bool = False  # first line of a chunk whose lines are paragraphs
    jump_head: bool = False  # a headline or catch word right above a "continued from" line


def decode(data: bytes, encoding: str = "", source: str = "input") -> str:
    """Decode input bytes: UTF-8 (with or without BOM) unless ``encoding``
    is given; a clear one-line error for other encodings."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError:
            raise BadInput(f"{source}: unknown encoding {encoding!r}; try gb18030, big5 or utf-8") from None
        except UnicodeDecodeError as exc:
            raise BadInput(
                f"{source}: not valid {encoding} (byte {exc.start}); try another --encoding (gb18030, big5, utf-8)"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(
            f"{source}: not UTF-8 (byte {exc.start}); pass --encoding gb18030 (simplified Chinese) "
            "or --encoding big5 (traditional Chinese)"
        ) from None


def _pieces(text: str, article_gap: int) -> list[_Piece]:
    out: list[_Piece] = []
    blanks = 0
    page = False
    for no, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        page_after = False
        if "\f" in raw:
            # a form feed before the text breaks before this line, after it breaks after it
            before, _, after = raw.partition("\f")
            if before.strip():
                page_after = True
            else:
                page = True
            raw = raw.replace("\f", "")
        stripped = raw.strip()
        if not stripped:
            blanks += 1
            continue
        indented = raw[: len(raw) - len(raw.lstrip())] not in ("",) and (
            raw.startswith("\u3000") or raw.startswith("  ") or raw.startswith("\t")
        )
        if not out:
            sep = "start"
        elif page:
            sep = "page"
        elif blanks == 0:
            sep = "newline"
        elif blanks >= article_gap:
            sep = "gap"
        else:
            sep = "blank"
        out.append(_Piece(stripped, no, indented, sep, blanks))
        blanks = 0
        page = page_after
    # When every break uses the "gap" size, it is the ordinary paragraph gap.
    usual = Counter(p.blanks for p in out[1:] if p.sep != "newline")
    if usual:
        common = usual.most_common(1)[0][0]
        if common >= article_gap:
            out = [
                _Piece(p.text, p.line, p.indented, "blank", p.blanks) if p.sep == "gap" and p.blanks <= common else p
                for p in out
            ]
    return out


def _chunks(pieces: list[_Piece]) -> list[list[_Piece]]:
    chunks: list[list[_Piece]] = []
    for p in pieces:
        if p.sep == "newline" and chunks:
            chunks[-1].append(p)
        else:
            chunks.append([p])
    return chunks


def _is_headline_block(chunk: list[_Piece]) -> bool:
    """Several short lines without sentence punctuation (a multi-line headline)."""
    if len(chunk) < 2 or len(chunk) > 4:
        return False
    if not headline_shaped(chunk[0].text) or not all(
            headline_shaped(p.text, continued=True) for p in chunk[1:]):
        return False
    if all(cjk_ratio(p.text) >= 0.3 for p in chunk):
        return all(sum(is_han(c) for c in p.text) <= 20 for p in chunk)
    # Latin: title case or all capitals on every line, or very short lines
    return all(title_case(p.text) or p.text.isupper() or len(p.text.split()) <= 3 for p in chunk)


def _is_deck(first: str, second: str) -> bool:
    """Two CJK headline lines that are each a whole phrase (a main title and
    a deck) rather than one title wrapped: no word spans the line break, and
    the first line is the shorter or both are long."""
    n1, n2 = (sum(is_han(c) for c in t) for t in (first, second))
    if cjk_ratio(first + second) < 0.3 or word_spanning(first, second):
        return False
    # a wrapped title fills its first line; a shorter first line, or two long
    # lines, are two phrases
    return n1 < n2 or min(n1, n2) >= 10


def _is_wrapped(chunk: list[_Piece]) -> bool:
    """Hard-wrapped lines of one column: most lines (but the last) nearly
    as wide as the widest, and the widest line not longer than a wrap."""
    if len(chunk) < 2:
        return False
    widths = [display_width(p.text) for p in chunk]
    wmax = max(widths[:-1]) if len(widths) > 1 else widths[0]
    if wmax > 160 or wmax < 16:
        return False
    body = widths[:-1]
    full = sum(w >= 0.8 * wmax for w in body)
    return full >= max(1, 0.6 * len(body))


def _join(a: _Unit, b: _Unit, kind: JoinKind, reason: str, language: str, dehyphenate: bool) -> None:
    g = glue(a.text, b.text, language, dehyphenate)
    j = Join(
        kind=JoinKind.HYPHEN if g.hyphen else kind,
        left=excerpt_left(a.text),
        right=excerpt_right(b.text),
        reason=(f"{kind.value} break: " if g.hyphen else "") + reason + "; " + g.reason,
        removed=g.removed,
        inserted=g.sep,
        left_ref=f"line:{a.last}",
        right_ref=f"line:{b.first}",
    )
    a.text = g.left + g.sep + g.right
    a.last = b.last
    a.joins.extend([j, *b.joins])


def _remove_cjk_spaces(u: _Unit) -> None:
    """Remove spaces between CJK characters when the paragraph is spaced the
    way OCR output is (most CJK neighbours separated by one space); a few
    spaces in otherwise unspaced text were printed and stay."""
    t = u.text
    spaced = len(CJK_SPACE_RE.findall(t))
    if spaced < 3:
        return
    adjacent = sum(1 for x, y in zip(t, t[1:], strict=False)
                   if is_cjk_char(x) and is_cjk_char(y) and not x.isspace() and not y.isspace())
    if spaced < 0.5 * (spaced + adjacent):
        return
    out: list[str] = []
    last = 0
    for s, ch in enumerate(t):
        if ch not in " \u3000" or not cjk_space_at(t, s):
            continue
        out.append(t[last:s])
        u.joins.append(Join(
            kind=JoinKind.SPACE, left=t[max(0, s - 10):s], right=t[s + 1:s + 11],
            reason="space next to a CJK character in OCR-spaced text", removed=ch,
            left_ref=f"line:{u.first}", right_ref=f"line:{u.last}",
        ))
        last = s + 1
    out.append(t[last:])
    u.text = "".join(out)


_INLINE_HYPHEN_RE = re.compile(r"(?<![\w-])([^\W\d_]+(?:-[^\W\d_]+)*)-([a-zà-öø-ÿß][^\W\d_]*)")


def _dehyphenate_inline(u: _Unit, language: str) -> None:
    """Remove hyphens inside words that the lexicon says are break hyphens
    (the joined form is a word, a half is not); compounds keep theirs."""
    from .hyphenation import decide

    t = u.text
    out: list[str] = []
    last = 0
    for m in _INLINE_HYPHEN_RE.finditer(t):
        left, right = m.group(1), m.group(2)
        d = decide(left, right, language)
        if d.keep:
            continue
        cut = m.end(1)
        out.append(t[last:cut])
        last = cut + 1
        u.joins.append(Join(JoinKind.HYPHEN, t[max(0, cut - 10):cut + 1], t[cut + 1:cut + 11],
                            "hyphen inside a line, a line-end hyphen kept by the extractor: " + d.reason,
                            removed="-", left_ref=f"line:{u.first}", right_ref=f"line:{u.last}"))
    out.append(t[last:])
    u.text = "".join(out)


def _units(pieces: list[_Piece], opts: TextRepairOptions, language: str) -> list[_Unit]:
    """Lines -> units: a headline block becomes one unit; wrapped lines of a
    chunk are joined (LINE joins); other lines stay units of their own."""
    ro = opts.repair
    units: list[_Unit] = []
    for chunk in _chunks(pieces):
        first = chunk[0]
        if opts.headlines and _is_headline_block(chunk):
            u = _Unit(chunk[0].text, first.line, first.line, headline_block=True, sep_before=first.sep)
            for p in chunk[1:]:
                g = glue(u.text, p.text, language, dehyphenate=False)
                if g.sep == "" and _is_deck(u.text, p.text):
                    g = Glue(g.left, g.right, " ", "", False, "two headline decks")
                u.joins.append(Join(JoinKind.LINE, excerpt_left(u.text), excerpt_right(p.text),
                                    "headline lines joined", inserted=g.sep,
                                    left_ref=f"line:{u.last}", right_ref=f"line:{p.line}"))
                u.text = g.left + g.sep + g.right
                u.last = p.line
            units.append(u)
            continue
        wrapped = _is_wrapped(chunk)
        start = len(units)
        wmax = max(display_width(p.text) for p in chunk[:-1]) if len(chunk) > 1 else 0
        cur = _Unit(first.text, first.line, first.line, sep_before=first.sep, indented=first.indented)
        for prev, p in zip(chunk, chunk[1:], strict=False):
            nxt = _Unit(p.text, p.line, p.line, sep_before="newline", indented=p.indented)
            verdict = continuation(cur.text, p.text)
            full = display_width(prev.text) >= 0.8 * wmax
            if wrapped and full and not p.indented and not (verdict.strong and not verdict.join):
                join, reason = True, "line wrap: previous line is full"
            elif wrapped and full and not p.indented and verdict.reason.startswith("left part ends a sentence"):
                join, reason = True, "line wrap: previous line is full"
            else:
                # lines that are not a wrap are paragraphs unless punctuation says otherwise
                join = verdict.join and verdict.strong and not verdict.lexical and not p.indented
                reason = verdict.reason
            if join and ro.join_lines:
                _join(cur, nxt, JoinKind.LINE, reason, language, ro.dehyphenate)
            else:
                units.append(cur)
                cur = nxt
        units.append(cur)
        if not wrapped and len(units) - start > 1:
            units[start].chunk_head = True
    return units


def _is_headline(units: list[_Unit], i: int) -> bool:
    u = units[i]
    if u.headline_block:
        return True
    if not headline_shaped(u.text) or is_byline(u.text) or is_dateline(u.text):
        return False
    nxt = units[i + 1] if i + 1 < len(units) else None
    if nxt is not None and nxt.sep_before != "gap" and (is_dateline(nxt.text) or is_byline(nxt.text)):
        return True
    if u.chunk_head and nxt is not None and not headline_shaped(nxt.text):
        return True  # the text format itself: headline line, then paragraph lines
    if nxt is None and u.sep_before in ("blank", "gap") and not _CREDIT_RE.search(u.text):
        return True  # a headline-shaped last block stands alone (an article with only a headline)
    at_start = u.sep_before in ("start", "gap")
    if at_start and nxt is not None and nxt.sep_before != "gap":
        return True
    prev = units[i - 1] if i else None
    if (prev is not None and nxt is not None and u.sep_before in ("blank", "gap")
            and nxt.sep_before in ("blank", "page") and (ends_sentence(prev.text) or ends_with_credit(prev.text))):
        # a short phrase between finished sentences: a headline unless
        # punctuation ties it to what follows
        if cjk_ratio(u.text) < 0.3 and not (title_case(u.text) or u.text.isupper()):
            return False  # Latin body text that happens to be short
        v = continuation(u.text, nxt.text)
        return not (v.join and v.strong)
    return False


@dataclass(frozen=True, slots=True)
class _Jumps:
    """Jump lines taken out of the pieces, keyed by input line numbers:
    ``closing`` maps the line of the last piece before a "continued on"
    line to those jumps (line 0: none before); ``opening`` maps the line of
    the first piece after a "continued from" line to that jump."""

    closing: dict[int, list[tuple[int, Jump]]]
    opening: dict[int, tuple[int, Jump]]
    all: list[tuple[int, Jump]]


def _take_jumps(pieces: list[_Piece]) -> tuple[list[_Piece], _Jumps]:
    """Remove jump lines from the pieces.  The piece after a "continued on"
    line starts a new article part (separator ``gap``); the piece after a
    "continued from" line starts a continuation (separator ``jump``).
    With form feeds in the input, each jump knows its page."""
    paged = any(p.sep == "page" for p in pieces)
    kept: list[_Piece] = []
    closing: dict[int, list[tuple[int, Jump]]] = {}
    opening: dict[int, tuple[int, Jump]] = {}
    found: list[tuple[int, Jump]] = []
    page = 1
    force = ""
    waiting: tuple[int, Jump] | None = None
    for p in pieces:
        if p.sep == "page":
            page += 1
        whole = parse_jump(p.text)
        items: list[_Piece | Jump] = []
        if whole is not None:
            items.append(whole)
        else:
            lead, rest, trail = split_jump(p.text)  # jump lines run into a paragraph
            items.extend(x for x in (lead, _Piece(rest, p.line, p.indented, p.sep, p.blanks), trail) if x is not None)
        for item in items:
            if isinstance(item, Jump):
                j = replace(item, on_page=page if paged else 0)
                found.append((p.line, j))
                if j.direction == "to":
                    closing.setdefault(kept[-1].line if kept else 0, []).append((p.line, j))
                    force = force or "gap"
                else:
                    waiting = (p.line, j)
                    force = "jump"
                continue
            q = item
            if force:
                # a continuation is always a jump; after a "continued on" line a new part starts
                q = _Piece(q.text, q.line, q.indented, force, q.blanks)
                if waiting is not None:
                    opening[q.line] = waiting
            kept.append(q)
            force, waiting = "", None
    return kept, _Jumps(closing, opening, found)


def _jump_head_unit(units: list[_Unit], heads: list[bool], i: int) -> bool:
    """Is unit ``i - 1`` a jump head for the continuation starting at unit
    ``i``: a headline, or a short line without sentence punctuation that
    stands alone (a repeated headline, a catch word such as "FLOOD")?"""
    if i == 0:
        return False
    h = units[i - 1]
    if heads[i - 1]:
        return True
    t = h.text
    return (h.sep_before in ("start", "gap", "blank", "page") and display_width(t) <= 60
            and headline_shaped(t) and not ends_sentence(t) and not is_byline(t) and not is_dateline(t))


@dataclass
class _Part:
    """An article or a part of one (mutable while assembling, private)."""

    head: str = ""
    paras: list[Paragraph] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    first: int = 0  # first input line (jump head and jump line included)
    last: int = 0  # last input line of the text
    jumps: list[tuple[int, Jump]] = field(default_factory=list)
    came_from: tuple[int, Jump] | None = None
    head_is_jump_head: bool = False
    target: int = -1  # index of the part it was linked into


def _link_parts(parts: list[_Part], language: str, ro: RepairOptions) -> tuple[list[tuple[int, int, int]], set[int]]:
    """Join each continuation to the part that jumps to it (jump lines
    paired by :func:`layoutkit.articles.pair_jumps`, the text at the cut as
    extra evidence).  The continuation's paragraphs go to the end of the
    article; its first paragraph is glued to the article's last one when the
    text reads on (a PAGE join); its jump head is left out (recorded).
    Returns the moves as (first line, last line, line they now follow) and
    the input lines of the jump lines that were linked."""
    owner: dict[int, int] = {}
    outgoing: list[tuple[int, Jump]] = []
    incoming: list[tuple[int, Jump]] = []
    for k, part in enumerate(parts):
        for line, j in part.jumps:
            if j.direction == "to":
                owner[line] = k
                outgoing.append((line, j))
        if part.came_from is not None:
            owner[part.came_from[0]] = k
            incoming.append(part.came_from)

    def evidence(op: int, ip: int) -> float:
        a, b = parts[owner[op]], parts[owner[ip]]
        if not a.paras or not b.paras:
            return 0.0
        left, right = a.paras[-1].text, b.paras[0].text
        v = continuation(left, right)
        if not v.join:
            return 0.0
        if v.lexical:
            # a dictionary word across the cut is strong evidence; a word jieba only guessed is weak
            tok = word_spanning(left, right)
            return 1.0 if tok and dictionary_word(tok) else 0.5
        return 1.0 if v.strong else 0.5

    pairs = pair_jumps(outgoing, incoming, evidence)
    out_at, in_at = dict(outgoing), dict(incoming)
    link: dict[int, tuple[int, int, int]] = {}
    for op, ip in pairs:
        a, b = owner[op], owner[ip]
        if a != b:
            link[b] = (a, op, ip)
    moves: list[tuple[int, int, int]] = []
    linked: set[int] = set()
    end_line = {k: p.last for k, p in enumerate(parts)}
    for b in sorted(link):
        a, op, ip = link[b]
        out_j, in_j = out_at[op], in_at[ip]
        seen = {b}
        while parts[a].target >= 0 and a not in seen:
            seen.add(a)
            a = parts[a].target
        if a in seen and a == b:
            continue
        tgt, cont = parts[a], parts[b]
        removed = [out_j.text, in_j.text]
        note = ""
        if cont.head and (tgt.head or tgt.paras):
            removed.append(cont.head)
            note = f"; continuation headline {cont.head!r} left out of the text"
        elif cont.head and not tgt.head:
            tgt.head = cont.head
        reason = f"jump lines {out_j.text!r} and {in_j.text!r}: one article{note}"
        paras = list(cont.paras)
        if paras and tgt.paras and tgt.paras[-1].kind == BlockKind.BODY and paras[0].kind == BlockKind.BODY:
            left, right = tgt.paras[-1], paras[0]
            v = continuation(left.text, right.text)
            if v.join and ro.join_pages:
                g = glue(left.text, right.text, language, ro.dehyphenate)
                tgt.joins.append(Join(
                    JoinKind.HYPHEN if g.hyphen else JoinKind.PAGE, excerpt_left(left.text), excerpt_right(right.text),
                    reason + "; paragraph goes on: " + v.reason + "; " + g.reason,
                    removed="\n".join(removed) + (g.removed and "\n" + g.removed), inserted=g.sep,
                    left_ref=left.block_ids[-1] if left.block_ids else "",
                    right_ref=right.block_ids[0] if right.block_ids else "",
                ))
                tgt.paras[-1] = Paragraph(g.left + g.sep + g.right, left.kind, left.block_ids + right.block_ids)
                paras = paras[1:]
            else:
                tgt.joins.append(Join(JoinKind.PAGE, excerpt_left(left.text), excerpt_right(right.text),
                                      reason + "; paragraph boundary kept: " + v.reason, removed="\n".join(removed),
                                      left_ref=left.block_ids[-1] if left.block_ids else "",
                                      right_ref=right.block_ids[0] if right.block_ids else ""))
        else:
            tgt.joins.append(Join(JoinKind.PAGE, excerpt_left(tgt.paras[-1].text if tgt.paras else tgt.head),
                                  excerpt_right(paras[0].text if paras else ""), reason, removed="\n".join(removed),
                                  left_ref=tgt.refs[-1] if tgt.refs else "", right_ref=cont.refs[0] if cont.refs else ""))
        tgt.paras.extend(paras)
        tgt.joins.extend(cont.joins)
        tgt.refs.extend(cont.refs)
        tgt.jumps.extend(cont.jumps)
        if cont.came_from is not None:
            tgt.jumps.append(cont.came_from)
        cont.target = a
        cont.came_from = None
        linked.update((op, ip))
        moves.append((cont.first, cont.last, end_line[a]))
        end_line[a] = cont.last
    return moves, linked


def repair_text(text: str, options: TextRepairOptions | RepairOptions | None = None) -> RepairResult:
    """Repair extracted text: join column and line breaks inside paragraphs,
    de-hyphenate, find headlines and articles, take jump lines out and join
    the parts of an article continued on another page.  Returns the
    articles (with every join) and the text in the project's text format."""
    if options is None:
        opts = TextRepairOptions()
    elif isinstance(options, RepairOptions):
        opts = TextRepairOptions(repair=options)
    else:
        opts = options
    ro = opts.repair
    text = text.lstrip("\ufeff")
    language = language_of(text, ro.language)
    pieces, jl = _take_jumps(_pieces(text, opts.article_gap))
    units = _units(pieces, opts, language)

    # Headlines first: they are never glued to their neighbours.
    heads = [opts.headlines and _is_headline(units, i) for i in range(len(units))]
    for i, u in enumerate(units):
        if u.sep_before == "jump" and _jump_head_unit(units, heads, i):
            heads[i - 1] = True
            units[i - 1].jump_head = True

    merged: list[_Unit] = []
    merged_head: list[bool] = []
    for i, u in enumerate(units):
        if merged and not heads[i] and not merged_head[-1] and u.sep_before in ("blank", "page", "newline"):
            prev = merged[-1]
            allowed = ro.join_pages if u.sep_before == "page" else (
                ro.join_columns if u.sep_before == "blank" else ro.join_lines)
            v = continuation(prev.text, u.text)
            if allowed and v.join and not (u.indented and not v.strong) and not u.headline_block:
                kind = {"page": JoinKind.PAGE, "blank": JoinKind.COLUMN}.get(u.sep_before, JoinKind.LINE)
                _join(prev, u, kind, v.reason, language, ro.dehyphenate)
                continue
        merged.append(u)
        merged_head.append(heads[i])

    parts: list[_Part] = []
    cur = _Part()

    def flush() -> _Part:
        if cur.head or cur.paras or cur.jumps or cur.came_from:
            parts.append(cur)
        return _Part()

    def closing_jumps(u: _Unit) -> list[tuple[int, Jump]]:
        return [x for line, xs in jl.closing.items() if u.first <= line <= u.last for x in xs]

    if 0 in jl.closing:
        cur.jumps.extend(jl.closing[0])
    for u, is_head in zip(merged, merged_head, strict=True):
        if ro.remove_cjk_spaces:
            _remove_cjk_spaces(u)
        if ro.dehyphenate and opts.inline_hyphens and language in ("en", "de", "fr"):
            _dehyphenate_inline(u, language)
        ref = f"line:{u.first}" if u.first == u.last else f"line:{u.first}-{u.last}"
        if u.sep_before == "jump" and u.first in jl.opening:
            jline, jump = jl.opening[u.first]
            if not (cur.head_is_jump_head and not cur.paras and cur.came_from is None):
                cur = flush()
                cur.first = jline
            cur.came_from = (jline, jump)
        if is_head and not u.jump_head and cur.head and not cur.paras and not cur.head_is_jump_head \
                and u.sep_before in ("blank", "newline"):
            # a second headline right under the first: a deck of the same headline
            cur.joins.append(Join(JoinKind.LINE, excerpt_left(cur.head), excerpt_right(u.text),
                                  "headline deck joined to the headline", inserted=" ",
                                  left_ref=cur.refs[-1] if cur.refs else "", right_ref=ref))
            cur.head = cur.head + " " + u.text
            cur.joins.extend(u.joins)
            cur.refs.append(ref)
            cur.last = u.last
            cur.jumps.extend(closing_jumps(u))
            continue
        if is_head or (u.sep_before == "gap" and (cur.head or cur.paras)):
            cur = flush()
        if not cur.first:
            cur.first = u.first
        if is_head:
            cur.head = u.text
            cur.head_is_jump_head = u.jump_head
        else:
            pkind = BlockKind.BYLINE if is_byline(u.text) else (
                BlockKind.CAPTION if is_caption_start(u.text) else BlockKind.BODY)
            cur.paras.append(Paragraph(u.text, pkind, (ref,)))
        cur.joins.extend(u.joins)
        cur.refs.append(ref)
        cur.last = u.last
        cur.jumps.extend(closing_jumps(u))
    flush()

    moves, linked = _link_parts(parts, language, ro)
    articles: list[Article] = []
    records: list[JumpLine] = []
    for part in parts:
        if part.target >= 0:
            continue
        own = sorted(part.jumps + ([part.came_from] if part.came_from else []), key=lambda x: x[0])
        if not (part.head or part.paras):
            records.extend(JumpLine(j.text, j.direction, j.page, j.keyword, line) for line, j in own)
            continue
        aid = f"a{len(articles) + 1}"
        articles.append(Article(
            id=aid, headline=part.head, paragraphs=tuple(part.paras), block_ids=tuple(part.refs),
            joins=tuple(part.joins), jumps=tuple(j.text for _, j in own),
        ))
        records.extend(JumpLine(j.text, j.direction, j.page, j.keyword, line, aid, line in linked)
                       for line, j in own)
    records.sort(key=lambda r: r.line)
    out_text = "\n\n".join(a.text for a in articles if a.text)
    return RepairResult(tuple(articles), out_text + "\n" if out_text else "", tuple(records), tuple(moves))


def joins_to_json(result: RepairResult) -> list[dict[str, str]]:
    """The joins as JSON-able dicts (kind, left, right, reason, removed, inserted, refs, article)."""
    out = []
    for a in result.articles:
        for j in a.joins:
            out.append({
                "article": a.id, "kind": j.kind.value, "left": j.left, "right": j.right,
                "reason": j.reason, "removed": j.removed, "inserted": j.inserted,
                "left_ref": j.left_ref, "right_ref": j.right_ref,
            })
    return out


def jumps_to_json(result: RepairResult) -> list[dict[str, object]]:
    """The jump lines taken out of the text as JSON-able dicts (text,
    direction, page, keyword, line, article, linked)."""
    return [{"text": j.text, "direction": j.direction, "page": j.page, "keyword": j.keyword,
             "line": j.line, "article": j.article, "linked": j.linked} for j in result.jumps]


_WS_RE = re.compile(r"\s+")
_CREDIT_RE = re.compile(r"编辑|校对|责编|记者|通讯员|摄|Editor|Reporting|Writing")


def _reordered(source: str, moves: tuple[tuple[int, int, int], ...]) -> str:
    """``source`` with the moved line ranges placed where the repair put
    them: (first, last, after) moves lines first..last to follow line
    ``after`` (1-based input lines)."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    order = list(range(1, len(lines) + 1))
    for first, last, after in moves:
        block = [n for n in order if first <= n <= last]
        order = [n for n in order if not first <= n <= last]
        at = order.index(after) + 1 if after in order else len(order)
        order[at:at] = block
    return "\n".join(lines[n - 1] for n in order)


def check_nothing_dropped(source: str, result: RepairResult) -> str:
    """Return ``""`` when every non-space character of ``source`` is in the
    output, in order (continuations moved to their article count as in
    their new place), apart from the removed hyphens and jump lines (and
    continuation headlines) listed in the joins and jumps; otherwise a
    description of the first difference."""
    src = _WS_RE.sub("", _reordered(source.lstrip("\ufeff"), result.moved))
    out = _WS_RE.sub("", result.text)
    removed = [j.removed for j in result.joins if j.kind in (JoinKind.HYPHEN, JoinKind.PAGE) and j.removed]
    removed += [j.text for j in result.jumps if not j.linked]
    i = k = 0
    budget = Counter(_WS_RE.sub("", "".join(removed)))
    while i < len(src):
        if k < len(out) and src[i] == out[k]:
            i += 1
            k += 1
        elif budget[src[i]] > 0:
            budget[src[i]] -= 1
            i += 1
        else:
            return f"input character {src[i]!r} at {i} ({src[max(0, i - 10):i + 10]!r}) missing from output"
    if k != len(out):
        return f"output has extra text {out[k:k + 20]!r}"
    return ""
