"""Blocks to articles.

Blocks come in reading order (per page, pages in order).  An article starts
at a headline (consecutive headline blocks form one headline) and owns the
blocks that follow until the next headline: subheads, bylines, body column
pieces, photos and their captions.  Running headers, footers and rules
belong to no article (they stay in the JSON).

Continuations across pages: jump lines such as "下转第2版" / "上接第1版",
"Continued on Page 5" / "Continued from Page 1", "See FLOOD, Page 5" /
"FLOOD, from Page 1" (:func:`parse_jump`, robust to OCR noise) link the
part on one page to the part on another.  A jump line may be a block of its
own (of any kind, also a running header or footer) or a line at the start,
end or inside a text block.  "Continued on" ends the part it closes;
"continued from" starts a new part, keeping a short headline or catch word
just above it as the jump head.  Parts are paired by :func:`pair_jumps`
(keywords, printed page numbers against the input pages, reading order)
and become one article; the jump lines and the jump head are taken out of
the text (kept in ``Article.jumps``, in a PAGE join and in the blocks of the
JSON).  The text-only repair (:mod:`layoutkit.textrepair`) uses the same
parsing and pairing.

The text of each article is assembled by :func:`layoutkit.repair.assemble_article`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .model import Article, BBox, Block, BlockKind, Join, JoinKind, Line, Page
from .options import RepairOptions

#: Chinese numerals used in page numbers ("第二版")
_CN_NUM = "〇零一二三四五六七八九十百"
#: a page number: digits (OCR may read 1 as l/I/| and 0 as O), Chinese
#: numerals, or a section letter and digits ("A5")
_NUM = rf"(?P<num>[0-9][0-9OIl|]{{0,2}}|[Il|]|[{_CN_NUM}]{{1,4}}|[A-Z][0-9OIl|]{{1,2}})"
_OPEN = "([{<〈《【「『"
_CLOSE = ")]}>〉》】」』"
_ZH_TO = re.compile(rf"^(?:下转|转至|转到|续转|转)[第笫]?{_NUM}(?:版|板)(?:[·•:：\-—][\u4e00-\u9fff]{{1,6}})?$")
_ZH_FROM = re.compile(rf"^(?:上接|紧接|上承|接|承|续)[第笫]?{_NUM}(?:版|板)(?:[·•:：\-—][\u4e00-\u9fff]{{1,6}})?$")
#: "Page", with room for one OCR error ("Pagc", "Paqe"), or "P." / "Pg."
_PAGE = r"(?P<page>[Pp][A-Za-z]{3}|PAGE|[Pp]g?\.)"
#: one word of a keyword ("FLOOD", "Budget"), never a page word
_KW_WORD = r"(?!(?:Page|PAGE|Pg|P|From|FROM|from|See|SEE)\b)[A-Z][A-Za-z'&-]*"
_EN_NUM = rf"(?:{_NUM}|(?P<word>[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en))"
_EN_TO = (
    re.compile(rf"^(?:(?:Story|story|STORY)\s+)?(?P<cont>[A-Za-z']{{4,11}}\.?)\s+(?:on|On|ON)\s+(?:{_PAGE}\s*)?{_EN_NUM}$"),
    re.compile(rf"^(?:(?:Please|please|PLEASE)\s+)?(?:See|see|SEE)\s+(?P<kw>{_KW_WORD}(?:\s+{_KW_WORD}){{0,3}})"
               rf"(?:,\s*|\s+on\s+|\s+)(?:{_PAGE}\s*)?{_EN_NUM}$"),
    re.compile(rf"^(?:(?:Please|please|PLEASE)\s+)?(?:Turn|turn|TURN)\s+to\s+(?:{_PAGE}\s*)?{_EN_NUM}$"),
)
_EN_FROM = (
    re.compile(rf"^(?P<cont>[A-Za-z']{{4,11}}\.?)\s+(?:from|From|FROM)\s+(?:{_PAGE}\s*)?{_EN_NUM}$"),
    re.compile(rf"^(?P<kw>{_KW_WORD}(?:\s+{_KW_WORD}){{0,3}})(?P<comma>,)?\s+(?:from|From|FROM)\s+(?:{_PAGE}\s*)?{_EN_NUM}$"),
    re.compile(rf"^(?:From|FROM)\s+{_PAGE}\s*{_EN_NUM}$"),
)
_CONT_WORDS = frozenset({"cont", "cont.", "contd", "contd.", "cont'd", "cont'd.", "continued", "continues", "continuing"})
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_OCR_DIGITS = str.maketrans({"O": "0", "I": "1", "l": "1", "|": "1"})


def _page_number(num: str) -> int:
    """A printed page number as an int: "12", "A5" -> 5, "二" / "十二" -> 2 / 12."""
    num = num.translate(_OCR_DIGITS) if num[:1].isdigit() or num in ("I", "l", "|") else num
    if num.isdigit():
        return int(num)
    if num[:1].isalpha() and num[:1].isascii():
        rest = num[1:].translate(_OCR_DIGITS)
        return int(rest) if rest.isdigit() else 0
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["〇"] = 0
    if "百" in num:
        return 0  # not a newspaper page
    if "十" in num:
        a, _, b = num.partition("十")
        return (digits.get(a, 1) if a else 1) * 10 + (digits.get(b, 0) if b else 0)
    n = 0
    for c in num:
        n = n * 10 + digits.get(c, 0)
    return n


def _is_cont_word(word: str) -> bool:
    """"Continued" and its short forms, allowing up to two OCR errors in the long form."""
    w = word.lower()
    if w in _CONT_WORDS:
        return True
    from rapidfuzz.distance import Levenshtein

    return len(w) >= 7 and w[:1] == "c" and min(Levenshtein.distance(w, "continued"),
                                                 Levenshtein.distance(w, "continues")) <= 2


def _is_page_word(word: str | None) -> bool:
    if not word:
        return True  # "Continued on A5": no page word printed
    w = word.lower()
    if w in ("p.", "pg.", "page"):
        return True
    from rapidfuzz.distance import Levenshtein

    return len(w) == 4 and Levenshtein.distance(w, "page") <= 1


def _unbracket(t: str) -> str:
    """The text inside one pair of surrounding brackets, and a final period taken off."""
    t = t.strip()
    while t and t[0] in _OPEN and (t[-1] in _CLOSE or t.count(t[0]) == 1):
        t = t[1:].strip()
        if t and t[-1] in _CLOSE:
            t = t[:-1].strip()
    if t and t[-1] in _CLOSE and not any(c in _OPEN for c in t):
        t = t[:-1].strip()  # an OCR'd line that lost its opening bracket
    return t.rstrip(".。").strip()


@dataclass(frozen=True)
class Jump:
    """A jump line.  ``direction`` is ``to`` (the article goes on on a later
    page: "下转第2版", "Continued on Page 2", "See FLOOD, Page 5") or
    ``from`` (this part continues an article: "上接第1版", "FLOOD, from
    Page 1"); ``page`` is the printed page number referred to (0 when it
    cannot be read); ``keyword`` the catch word in capitals ("FLOOD"),
    empty when none; ``text`` the line as found; ``on_page`` the 1-based
    page of the input the line was found on (0 when unknown, as in text
    without form feeds)."""

    direction: str
    page: int
    keyword: str
    text: str
    on_page: int = 0


def parse_jump(text: str) -> Jump | None:
    """Recognise a whole line as a jump line; ``None`` for ordinary text.

    Robust to what OCR does to such lines: spaces between the characters,
    full-width or missing brackets, "笫" for "第", a final period, "page" in
    any case or with one wrong letter, "Contimued"; a digit read as I, l or
    O.  Only the whole line counts: a sentence that mentions a page is not
    a jump line.
    """
    raw = text.strip()
    if not raw or len(raw) > 60:
        return None
    t = unicodedata.normalize("NFKC", raw)
    t = re.sub(r"\s+", " ", t).strip(" |丨_~·•'\"")  # stray marks OCR puts at line ends
    if not t:
        return None
    if re.search(r"[\u4e00-\u9fff]", t):
        z = _unbracket(t.replace(" ", ""))
        for direction, pat in (("to", _ZH_TO), ("from", _ZH_FROM)):
            m = pat.match(z)
            if m:
                page = _page_number(m.group("num"))
                return Jump(direction, page, "", raw) if page else None
        return None
    e = _unbracket(t)
    for direction, pats in (("to", _EN_TO), ("from", _EN_FROM)):
        for pat in pats:
            m = pat.match(e)
            if not m:
                continue
            g = m.groupdict()
            if g.get("cont") is not None and not _is_cont_word(g["cont"]):
                continue
            if not _is_page_word(g.get("page")):
                continue
            kw = (g.get("kw") or "").strip()
            if kw and direction == "from" and not (g.get("comma") or kw.isupper()):
                continue  # "Reports from Page 1" is not a jump line; "FLOOD from Page 1" / "Flood, from Page 1" are
            if kw and direction == "to" and kw.lower() in ("page", "pages"):
                continue
            page = _EN_WORDS[g["word"].lower()] if g.get("word") else _page_number(g["num"])
            if not page:
                continue
            return Jump(direction, page, kw.upper(), raw)
    return None


def _keywords_match(a: str, b: str) -> bool:
    """Two jump keywords name the same story ("FLOOD" / "FLOODS", one OCR error allowed)."""
    if a == b:
        return True
    from rapidfuzz.distance import Levenshtein

    return min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b) <= 1 + (min(len(a), len(b)) >= 8)


def jump_score(out: Jump, inc: Jump) -> float | None:
    """How well an outgoing jump (``to``) and an incoming one (``from``)
    fit as the two ends of one continuation; ``None`` when they cannot.

    Keywords printed on both sides must agree.  Printed page numbers must
    differ ("on Page 2" / "from Page 1").  When the input pages of both
    lines are known (``on_page``), the printed numbers are checked against
    them: exact (+3), or the same distance when the input does not start at
    page 1 (+2); disagreement costs 2.
    """
    if out.direction != "to" or inc.direction != "from":
        return None
    score = 0.0
    if out.keyword and inc.keyword:
        if not _keywords_match(out.keyword, inc.keyword):
            return None
        score += 3
    if out.page and inc.page and out.page == inc.page:
        return None
    if out.on_page and inc.on_page:
        if out.on_page == inc.on_page:
            return None
        if out.page == inc.on_page and inc.page == out.on_page:
            score += 3
        elif out.page and inc.page and out.page - inc.page == inc.on_page - out.on_page:
            score += 2
        else:
            score -= 2
    return score


def pair_jumps(
    outgoing: Sequence[tuple[int, Jump]],
    incoming: Sequence[tuple[int, Jump]],
    evidence: Callable[[int, int], float] | None = None,
) -> list[tuple[int, int]]:
    """Pair outgoing and incoming jump lines into continuations.

    ``outgoing`` / ``incoming`` hold (position, jump) with positions in
    reading order (any increasing numbering: block or line index).  Returns
    (outgoing position, incoming position) pairs, each jump used at most
    once, best fit first: :func:`jump_score`, plus ``evidence(out_pos,
    in_pos)`` when given (the text at the cut reads on), plus one point when
    the continuation comes later in reading order; ties go to the nearest.
    """
    scores: dict[tuple[int, int], float] = {}
    for op, oj in outgoing:
        for ip, ij in incoming:
            s = jump_score(oj, ij)
            if s is None:
                continue
            if ip > op:
                s += 1
            if evidence is not None:
                s += evidence(op, ip)
            scores[op, ip] = s
    if len(incoming) <= 10:
        return _best_matching(scores, [p for p, _ in outgoing], [p for p, _ in incoming])
    cands = sorted(scores, key=lambda k: (-scores[k], abs(k[1] - k[0])))
    used_o: set[int] = set()
    used_i: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for op, ip in cands:
        if op in used_o or ip in used_i:
            continue
        used_o.add(op)
        used_i.add(ip)
        pairs.append((op, ip))
    return pairs


def _best_matching(scores: dict[tuple[int, int], float], outs: list[int], ins: list[int]) -> list[tuple[int, int]]:
    """The set of pairs with the most pairs, then the highest total score,
    then the smallest total distance (exhaustive over the incoming jumps;
    a page has a handful of jump lines)."""
    from functools import cache

    @cache
    def best(k: int, used: frozenset[int]) -> tuple[tuple[int, float, int], tuple[tuple[int, int], ...]]:
        if k == len(ins):
            return (0, 0.0, 0), ()
        ip = ins[k]
        (n, s, d), rest = best(k + 1, used)
        top = ((n, s, d), rest)
        for op in outs:
            if op in used or (op, ip) not in scores:
                continue
            (n2, s2, d2), rest2 = best(k + 1, used | {op})
            cand = ((n2 + 1, s2 + scores[op, ip], d2 - abs(ip - op)), ((op, ip), *rest2))
            if cand[0] > top[0]:
                top = cand
        return top

    return list(best(0, frozenset())[1])


#: a jump line run into the end of a paragraph ("…同时积下转第2版", "…ground (Continued on Page 2)")
_TRAILING = (
    re.compile(r"(?:[（(]\s*(?:下\s*)?转|下\s*转)\s*[第笫]\s*[0-9０-９一二三四五六七八九十A-Z]{1,3}\s*版\s*[）)]?$"),
    re.compile(r"(?:\(\s*(?:Continued|Cont'?d\.?|See\s+[A-Z][A-Z'&-]+,?)\s+(?:on\s+)?\S+\s*\S*\s*\)"
               r"|(?<=\s)Continued\s+on\s+[Pp]age\s+[A-Z]?\d{1,3})\.?$"),
)
#: a jump line run into the start of a paragraph ("上接第1版极开拓…", "Continued from Page 1 and to…")
_LEADING = (
    re.compile(r"^(?:[（(]\s*(?:上\s*)?接|上\s*接)\s*[第笫]\s*[0-9０-９一二三四五六七八九十A-Z]{1,3}\s*版\s*[）)]?"),
    re.compile(r"^(?:\(\s*(?:Continued|Cont'?d\.?)\s+from\s+[Pp]age\s+[A-Z]?\d{1,3}\s*\)"
               r"|Continued\s+from\s+[Pp]age\s+[A-Z]?\d{1,3}(?=\s))"),
)


def split_jump(text: str) -> tuple[Jump | None, str, Jump | None]:
    """A paragraph with a jump line run into it, as an extractor that joins
    the lines of a block gives it: (leading "continued from" jump or None,
    the text, trailing "continued on" jump or None).  Only the printed forms
    with 第…版 or "Page" are taken, so ordinary sentences stay whole."""
    lead: Jump | None = None
    trail: Jump | None = None
    t = text.strip()
    for pat in _LEADING:
        m = pat.match(t)
        if m and m.end() < len(t):
            j = parse_jump(m.group(0))
            if j is not None and j.direction == "from":
                lead, t = j, t[m.end():].lstrip()
                break
    for pat in _TRAILING:
        m = pat.search(t)
        if m and m.start() > 0:
            j = parse_jump(m.group(0))
            if j is not None and j.direction == "to":
                trail, t = j, t[:m.start()].rstrip()
                break
    return lead, t, trail


@dataclass
class _Group:
    """Blocks of one article part, its jump lines, the page it starts on,
    the jump line it continues from (if any) and text taken out with the
    jump lines (a jump head: a repeated headline or catch word)."""

    blocks: list[Block] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    page: int = 0
    came_from: Jump | None = None
    links: list[Join] = field(default_factory=list)


def _page_of(block_id: str) -> int:
    m = re.match(r"p(\d+)-", block_id)
    return int(m.group(1)) if m else 0


def _sub_block(block: Block, lines: Sequence[Line]) -> Block:
    """The part of ``block`` made of ``lines`` (same id: it is still that block)."""
    boxes = [ln.bbox for ln in lines]
    return replace(block, lines=tuple(lines), bbox=BBox.enclosing(boxes) if boxes else block.bbox)


def _jump_head(lines: Sequence[Line]) -> bool:
    """One or two short lines without sentence punctuation above a
    "continued from" line: a repeated headline or a catch word."""
    if not 1 <= len(lines) <= 2:
        return False
    return all(len(ln.text.strip()) <= 40 and not re.search(r"[。！？；.!?;]$", ln.text.strip()) for ln in lines)


def group_blocks(pages: Sequence[Page]) -> list[_Group]:
    """Split the reading-order block sequence into article parts.

    A headline starts a part (consecutive headlines form one headline).
    A "continued on" line ends the part it closes; a "continued from" line
    starts a new part (keeping a headline just above it, the jump head).
    Jump lines are found as blocks of their own (any kind, also a header or
    footer made only of jump lines) and as lines at the start, end or
    inside a text block, which is then cut there.  Headers, footers and
    rules belong to no part.
    """
    groups: list[_Group] = []
    cur: _Group | None = None

    def new_group(page: int) -> _Group:
        g = _Group(page=page)
        groups.append(g)
        return g

    for page in pages:
        cur = None  # articles never run on to the next page without a jump line
        for b in page.blocks:
            if b.kind == BlockKind.RULE or b.kind == BlockKind.PHOTO:
                if b.kind == BlockKind.PHOTO:
                    if cur is None:
                        cur = new_group(page.number)
                    cur.blocks.append(b)
                continue
            marks = [parse_jump(ln.text) for ln in b.lines]
            if b.kind in (BlockKind.HEADER, BlockKind.FOOTER) and not (marks and all(marks)):
                continue
            if not any(marks):
                if b.kind == BlockKind.JUMP:
                    continue  # a jump block whose text could not be read: nothing to link
                starts_article = b.kind == BlockKind.HEADLINE and not (
                    cur is not None and cur.blocks and all(x.kind == BlockKind.HEADLINE for x in cur.blocks)
                    and cur.came_from is None
                )
                if cur is None or starts_article:
                    cur = new_group(page.number)
                cur.blocks.append(b)
                continue
            pending: list[Line] = []
            flushed = False
            for ln, mark in zip(b.lines, marks, strict=True):
                if mark is None:
                    pending.append(ln)
                    continue
                j = replace(mark, on_page=page.number)
                if j.direction == "to":
                    if pending:
                        if cur is None:
                            cur = new_group(page.number)
                        cur.blocks.append(_sub_block(b, pending))
                        pending, flushed = [], True
                    if cur is None:
                        cur = new_group(page.number)
                    cur.jumps.append(j)
                    cur = None  # the part ends here
                    continue
                head: list[Line] = []
                if pending and not flushed and _jump_head(pending):
                    head, pending = pending, []
                if pending:
                    if cur is None:
                        cur = new_group(page.number)
                    cur.blocks.append(_sub_block(b, pending))
                    pending = []
                keep = (cur is not None and cur.page == page.number and cur.blocks and cur.came_from is None
                        and not head and all(x.kind == BlockKind.HEADLINE for x in cur.blocks))
                if not keep:
                    cur = new_group(page.number)
                assert cur is not None
                if head:
                    cur.blocks.append(replace(_sub_block(b, head), kind=BlockKind.HEADLINE))
                cur.came_from = j
                cur.jumps.append(j)
                flushed = True
            if pending:
                if cur is None:
                    cur = new_group(page.number)
                cur.blocks.append(_sub_block(b, pending))
    return [g for g in groups if g.blocks or g.jumps]


def link_continuations(groups: list[_Group]) -> list[_Group]:
    """Merge each part that says where it comes from ("上接第1版",
    "FLOOD, from Page 1") into the part that jumps to it ("下转第2版",
    "See FLOOD, Page 5"), pairing the jump lines with :func:`pair_jumps`
    (keywords, printed against actual page numbers, reading order).

    The continuation's own headline blocks (a repeated headline or catch
    word) are not text: they are left out, and each link is recorded as a
    PAGE join (``removed`` = the two jump lines and that headline).  Chains (page 1 -> 2 -> 3)
    end up in one part, in order.
    """
    outgoing = [(gi, j) for gi, g in enumerate(groups) for j in g.jumps if j.direction == "to"]
    incoming = [(gi, g.came_from) for gi, g in enumerate(groups) if g.came_from is not None]
    # a group may hold several outgoing jumps: pair by jump, key by (group, index)
    out_keyed = [(k, j) for k, (_, j) in enumerate(outgoing)]
    pairs = pair_jumps(out_keyed, incoming)
    target: dict[int, int] = {}
    via: dict[int, Jump] = {}
    for ok, ig in pairs:
        og = outgoing[ok][0]
        if og != ig:
            target[ig] = og
            via[ig] = outgoing[ok][1]

    def root(i: int) -> int:
        seen = set()
        while i in target and i not in seen:
            seen.add(i)
            i = target[i]
        return i

    merged: set[int] = set()
    for ig in sorted(target):
        r = root(ig)
        if r == ig:
            continue  # a cycle of jumps: leave the parts apart
        g, h = groups[r], groups[ig]
        heads = [b for b in h.blocks if b.kind == BlockKind.HEADLINE] if g.blocks else []
        rest = [b for b in h.blocks if b not in heads]
        out_j, in_j = via[ig], h.came_from
        assert in_j is not None
        left = next((b for b in reversed(g.blocks) if b.lines), None)
        right = next((b for b in rest if b.lines), None)
        head_text = " / ".join(b.text.replace("\n", " ") for b in heads)
        g.links.append(Join(
            JoinKind.PAGE,
            left.lines[-1].text[-12:] if left else "",
            right.lines[0].text[:12] if right else "",
            f"jump lines {out_j.text!r} (page {out_j.on_page}) and {in_j.text!r} (page {in_j.on_page}): "
            f"one article" + (f"; continuation headline {head_text!r} left out of the text" if heads else ""),
            removed="\n".join([out_j.text, in_j.text] + [b.text for b in heads]),
            left_ref=left.id if left else "", right_ref=right.id if right else "",
        ))
        g.blocks.extend(rest)
        g.jumps.extend(h.jumps)
        g.links.extend(h.links)
        merged.add(ig)
    return [g for i, g in enumerate(groups) if i not in merged]


def build_articles(pages: Sequence[Page], options: RepairOptions | None = None) -> list[Article]:
    """Articles of the document in reading order."""
    from .repair import assemble_article

    opts = options or RepairOptions()
    # a PDF text layer has exactly the spaces that were printed: the repair
    # step keeps them (on OCR pages it checks each one against the boxes)
    layer_opts = replace(opts, remove_cjk_spaces=False)
    text_layer_pages = {p.number for p in pages if p.path == "text-layer"}
    groups = link_continuations(group_blocks(pages))
    articles: list[Article] = []
    for g in groups:
        text_blocks = [b for b in g.blocks if b.kind != BlockKind.PHOTO]
        if not text_blocks:
            continue
        from_layer = all(_page_of(b.id) in text_layer_pages for b in g.blocks)
        headline, paragraphs, joins = assemble_article(g.blocks, layer_opts if from_layer else opts)
        if not headline and not paragraphs:
            continue
        pages_of = sorted({_page_of(b.id) for b in g.blocks if _page_of(b.id)})
        articles.append(
            Article(
                id=f"a{len(articles) + 1}",
                headline=headline,
                paragraphs=tuple(paragraphs),
                block_ids=tuple(dict.fromkeys(b.id for b in g.blocks)),
                joins=tuple(g.links) + tuple(joins),
                pages=tuple(pages_of),
                jumps=tuple(j.text for j in g.jumps),
            )
        )
    return articles
