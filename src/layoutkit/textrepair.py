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
from dataclasses import dataclass, field

from .breaks import (
    CJK_SPACE_RE,
    Glue,
    cjk_ratio,
    cjk_space_at,
    continuation,
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
class RepairResult:
    """``articles`` in input order (joins inside each); ``text`` in the text format."""

    articles: tuple[Article, ...]
    text: str

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


def repair_text(text: str, options: TextRepairOptions | RepairOptions | None = None) -> RepairResult:
    """Repair extracted text: join column and line breaks inside paragraphs,
    de-hyphenate, find headlines and articles.  Returns the articles (with
    every join) and the text in the project's text format."""
    if options is None:
        opts = TextRepairOptions()
    elif isinstance(options, RepairOptions):
        opts = TextRepairOptions(repair=options)
    else:
        opts = options
    ro = opts.repair
    text = text.lstrip("\ufeff")
    language = language_of(text, ro.language)
    pieces = _pieces(text, opts.article_gap)
    units = _units(pieces, opts, language)

    # Headlines first: they are never glued to their neighbours.
    heads = [opts.headlines and _is_headline(units, i) for i in range(len(units))]

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

    articles: list[Article] = []
    cur_head = ""
    cur_paras: list[Paragraph] = []
    cur_joins: list[Join] = []
    cur_refs: list[str] = []

    def flush() -> None:
        if cur_head or cur_paras:
            articles.append(Article(
                id=f"a{len(articles) + 1}", headline=cur_head, paragraphs=tuple(cur_paras),
                block_ids=tuple(cur_refs), joins=tuple(cur_joins),
            ))

    for u, is_head in zip(merged, merged_head, strict=True):
        if ro.remove_cjk_spaces:
            _remove_cjk_spaces(u)
        if ro.dehyphenate and opts.inline_hyphens and language in ("en", "de", "fr"):
            _dehyphenate_inline(u, language)
        ref = f"line:{u.first}" if u.first == u.last else f"line:{u.first}-{u.last}"
        if is_head and cur_head and not cur_paras and u.sep_before in ("blank", "newline"):
            # a second headline right under the first: a deck of the same headline
            cur_joins.append(Join(JoinKind.LINE, excerpt_left(cur_head), excerpt_right(u.text),
                                  "headline deck joined to the headline", inserted=" ",
                                  left_ref=cur_refs[-1] if cur_refs else "", right_ref=ref))
            cur_head = cur_head + " " + u.text
            cur_joins.extend(u.joins)
            cur_refs.append(ref)
            continue
        if is_head or (u.sep_before == "gap" and (cur_head or cur_paras)):
            flush()
            cur_head, cur_paras, cur_joins, cur_refs = "", [], [], []
        if is_head:
            cur_head = u.text
        else:
            kind = BlockKind.BYLINE if is_byline(u.text) else (
                BlockKind.CAPTION if is_caption_start(u.text) else BlockKind.BODY)
            cur_paras.append(Paragraph(u.text, kind, (ref,)))
        cur_joins.extend(u.joins)
        cur_refs.append(ref)
    flush()
    out_text = "\n\n".join(a.text for a in articles if a.text)
    return RepairResult(tuple(articles), out_text + "\n" if out_text else "")


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


_WS_RE = re.compile(r"\s+")
_CREDIT_RE = re.compile(r"编辑|校对|责编|记者|通讯员|摄|Editor|Reporting|Writing")


def check_nothing_dropped(source: str, result: RepairResult) -> str:
    """Return ``""`` when every non-space character of ``source`` is in the
    output, in order, apart from the removed hyphens listed in the joins;
    otherwise a description of the first difference."""
    src = _WS_RE.sub("", source.lstrip("\ufeff"))
    out = _WS_RE.sub("", result.text)
    removed = [j.removed for j in result.joins if j.kind == JoinKind.HYPHEN and j.removed]
    i = k = 0
    budget = Counter("".join(removed))
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
