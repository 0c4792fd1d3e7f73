"""Blocks to articles.

Blocks come in reading order (per page, pages in order).  An article starts
at a headline (consecutive headline blocks form one headline) and owns the
blocks that follow until the next headline: subheads, bylines, body column
pieces, photos and their captions.  Running headers, footers and rules
belong to no article (they stay in the JSON).

Continuations across pages: jump lines such as "下转第2版" / "上接第1版",
"Continued on Page 5" / "Continued from Page 1", "See FLOOD, Page 5" /
"FLOOD, from Page 1" link the part on one page to the part on another; the
two parts become one article and the jump lines are taken out of the text
(kept in ``Article.jumps`` and in the blocks of the JSON).

The text of each article is assembled by :func:`layoutkit.repair.assemble_article`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .model import Article, Block, BlockKind, Page
from .options import RepairOptions

_CN_NUM = "〇零一二三四五六七八九十百"
_NUM = rf"(\d+|[{_CN_NUM}]+|[A-Z]\d+)"

#: jump to a later page ("continued on"), group 1 = page
_JUMP_TO = [
    re.compile(rf"^[（(〈<]?\s*(?:下转|转|接)第?\s*{_NUM}\s*版(?:[^)）]{{0,8}})?[)）〉>]?\s*$"),
    re.compile(rf"^\(?\s*(?:Continued|Cont'?d\.?|Story continues)\s+on\s+(?:Page|P\.|p\.)\s*{_NUM}\.?\s*\)?\s*$", re.I),
    re.compile(rf"^\(?\s*See\s+(?P<kw>[A-Z][A-Za-z' -]{{1,30}}?),?\s+(?:on\s+)?(?:Page|P\.)\s*{_NUM}\.?\s*\)?\s*$"),
]
#: jump from an earlier page ("continued from"), group 1 = page
_JUMP_FROM = [
    re.compile(rf"^[（(〈<]?\s*(?:上接|接|承)第?\s*{_NUM}\s*版(?:[^)）]{{0,8}})?[)）〉>]?\s*$"),
    re.compile(rf"^\(?\s*(?:Continued|Cont'?d\.?)\s+from\s+(?:Page|P\.|p\.)\s*{_NUM}\.?\s*\)?\s*$", re.I),
    re.compile(rf"^\(?\s*(?P<kw>[A-Z][A-Za-z' -]{{1,30}}?),?\s+from\s+(?:Page|P\.)\s*{_NUM}\.?\s*\)?\s*$"),
]


def _cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    if s[:1].isalpha() and s[1:].isdigit():
        return int(s[1:])
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["〇"] = 0
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (digits.get(a, 1) if a else 1) * 10 + (digits.get(b, 0) if b else 0)
    n = 0
    for c in s:
        n = n * 10 + digits.get(c, 0)
    return n


@dataclass(frozen=True)
class Jump:
    direction: str  # "to" | "from"
    page: int  # the page referred to
    keyword: str
    text: str


def parse_jump(text: str) -> Jump | None:
    """Recognise a jump line; returns None for ordinary text."""
    t = re.sub(r"\s+", " ", text.strip())
    if not t or len(t) > 60:
        return None
    for direction, pats in (("to", _JUMP_TO), ("from", _JUMP_FROM)):
        for pat in pats:
            m = pat.match(t)
            if m:
                kw = (m.groupdict().get("kw") or "").strip().upper()
                num = m.groups()[-1]
                return Jump(direction, _cn_to_int(num), kw, text.strip())
    return None


@dataclass
class _Group:
    blocks: list[Block] = field(default_factory=list)
    jumps: list[Jump] = field(default_factory=list)
    page: int = 0


def _page_of(block_id: str) -> int:
    m = re.match(r"p(\d+)-", block_id)
    return int(m.group(1)) if m else 0


def _strip_jumps(block: Block) -> tuple[Block, list[Jump]]:
    """Take jump lines off the start and end of a block."""
    lines = list(block.lines)
    found: list[Jump] = []
    while lines and (j := parse_jump(lines[-1].text)):
        found.append(j)
        lines.pop()
    while lines and (j := parse_jump(lines[0].text)):
        found.append(j)
        lines.pop(0)
    if not found:
        return block, []
    return replace(block, lines=tuple(lines)), found


def group_blocks(pages: Sequence[Page]) -> list[_Group]:
    """Split the reading-order block sequence into article groups."""
    groups: list[_Group] = []
    cur: _Group | None = None
    for page in pages:
        cur = None  # articles never run on to the next page without a jump line
        for b in page.blocks:
            if b.kind in (BlockKind.HEADER, BlockKind.FOOTER, BlockKind.RULE):
                continue
            stripped, jumps = _strip_jumps(b) if b.kind != BlockKind.PHOTO else (b, [])
            if b.kind == BlockKind.JUMP or (jumps and not stripped.lines):
                if cur is None:
                    cur = _Group(page=page.number)
                    groups.append(cur)
                cur.jumps.extend(jumps)
                continue
            starts_article = b.kind == BlockKind.HEADLINE and not (
                cur is not None and cur.blocks and all(x.kind == BlockKind.HEADLINE for x in cur.blocks)
            )
            if cur is None or starts_article:
                cur = _Group(page=page.number)
                groups.append(cur)
            cur.blocks.append(stripped)
            cur.jumps.extend(jumps)
    return [g for g in groups if g.blocks or g.jumps]


def link_continuations(groups: list[_Group]) -> list[_Group]:
    """Merge each group that jumps to page N with the group on page N that
    says it comes from this page (matching keywords when printed)."""
    out = list(groups)
    for g in list(out):
        for j in [j for j in g.jumps if j.direction == "to"]:
            cands = [
                h for h in out
                if h is not g and h.page == j.page
                and any(k.direction == "from" and k.page == g.page and (not j.keyword or not k.keyword or k.keyword == j.keyword)
                        for k in h.jumps)
            ]
            if not cands:
                continue
            h = cands[0]
            # the continuation's own headline (often repeated or a keyword) is not text
            cont = [b for b in h.blocks if b.kind not in (BlockKind.HEADLINE,)] if g.blocks else h.blocks
            g.blocks.extend(cont)
            g.jumps.extend(h.jumps)
            out.remove(h)
    return out


def build_articles(pages: Sequence[Page], options: RepairOptions | None = None) -> list[Article]:
    """Articles of the document in reading order."""
    from .repair import assemble_article

    opts = options or RepairOptions()
    groups = link_continuations(group_blocks(pages))
    articles: list[Article] = []
    for g in groups:
        text_blocks = [b for b in g.blocks if b.kind != BlockKind.PHOTO]
        if not text_blocks:
            continue
        headline, paragraphs, joins = assemble_article(g.blocks, opts)
        if not headline and not paragraphs:
            continue
        pages_of = sorted({_page_of(b.id) for b in g.blocks if _page_of(b.id)})
        articles.append(
            Article(
                id=f"a{len(articles) + 1}",
                headline=headline,
                paragraphs=tuple(paragraphs),
                block_ids=tuple(b.id for b in g.blocks),
                joins=tuple(joins),
                pages=tuple(pages_of),
                jumps=tuple(j.text for j in g.jumps),
            )
        )
    return articles
