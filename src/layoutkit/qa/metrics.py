"""Per-article and per-page metrics of an output against a ground truth.

Units: every length, distance and offset is in NFC grapheme clusters of the
text format (a line break between paragraphs counts as one character, the
blank line between two output articles as two).  Rates are fractions (0.05
is 5%).

Definitions (``G`` a ground-truth article, ``S`` its best contiguous stretch
of the whole output text, found regardless of article order):

* ``cer`` = edit distance(G, S) / len(G); 0..1 (the empty stretch costs len(G));
  *intact* when ``cer < intact_threshold`` (5%).
* ``cer_nows``: the same with all whitespace removed from G and S, so line
  and paragraph breaks and spaces do not count (recognition + lost/extra text).
* ``wer``: word edit distance / words of G (see :mod:`.words`).
* column breaks *repaired*: the non-space characters on either side of a
  recorded column break are found in S with no line break between them.
* paragraph boundaries *kept*: for two consecutive lines of G (headline,
  paragraphs, captions), the output has a line break between the characters
  either side.
* *pieces*: output articles holding at least ``piece_fraction`` of G and
  ``min_piece`` graphemes (by bands of k-gram anchors); *split* when more than one; *merged* when an output
  article holds pieces of several ground-truth articles.
* reading order: fraction of pairs of found articles whose stretches come in
  the ground-truth order (1 - normalised Kendall tau distance); articles
  shorter than the anchor length (4 CJK / 7 Latin graphemes: a drop capital,
  a section number) are left out, their position being ambiguous.
* bag-of-characters recall: multiset intersection of non-space characters
  over the ground truth's; order- and layout-blind, recognition alone.
* ``cjk_spaces``: spaces the output has between two CJK characters where the
  ground truth has none (insertions in the alignment).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from rapidfuzz.distance import Levenshtein

from ..textutil import is_cjk_char, is_cjk_text
from . import words as wordseg
from .distance import AnchorIndex, Op, Stretch, distance, find_stretches, opcodes
from .graphemes import GraphemeCodec, nfc
from .readers import RefArticle, RefDoc

ALIGNMENT = ("exact infix (semi-global) Levenshtein alignment per article: k-gram anchors pick "
             "candidate windows, Myers' bit-vector algorithm finds the best stretch, rapidfuzz "
             "Levenshtein gives the character alignment")


@dataclass(frozen=True)
class EvalOptions:
    """Knobs of the evaluation.  A piece of an article in an output article
    must hold ``piece_fraction`` of it and at least ``min_piece`` (and three
    anchor lengths of) graphemes: shorter shared runs are the boilerplate
    articles have in common.  ``k`` is the anchor length in graphemes
    (0: 4 for CJK text, 7 otherwise); ``cjk`` forces the Chinese word rule
    (None: decided from the ground truth's language or text)."""

    intact_threshold: float = 0.05
    piece_fraction: float = 0.10
    min_piece: int = 20
    k: int = 0
    cjk: bool | None = None
    keep_diff: bool = True


@dataclass(frozen=True)
class ArticleResult:
    """Metrics of one ground-truth article; ``start``/``end`` locate its
    stretch in the output text (grapheme indices), ``pieces`` are indices of
    output articles holding part of it; ``diff`` is the alignment as
    ``(tag, ground-truth text, output text)`` runs."""

    index: int
    id: str
    headline: str
    gt_chars: int
    distance: int
    cer: float
    gt_chars_nows: int
    distance_nows: int
    cer_nows: float
    gt_words: int
    word_distance: int
    wer: float
    intact: bool
    intact_nows: bool
    found: bool
    start: int
    end: int
    pieces: tuple[int, ...]
    split: bool
    merged_with: tuple[str, ...]
    breaks_total: int
    breaks_repaired: int
    boundaries_total: int
    boundaries_kept: int
    hyphens_total: int
    hyphens_right: int
    cjk_spaces: int
    bag_recall: float
    # (by kind: break hyphens removed, compound hyphens kept)
    break_hyphens_total: int = 0
    break_hyphens_right: int = 0
    compound_hyphens_total: int = 0
    compound_hyphens_right: int = 0
    diff: tuple[tuple[str, str, str], ...] = field(default=(), repr=False)

    def to_dict(self, with_diff: bool = False) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "diff"}
        for key in ("cer", "cer_nows", "wer", "bag_recall"):
            d[key] = round(d[key], 6)
        d["pieces"] = list(self.pieces)
        d["merged_with"] = list(self.merged_with)
        if with_diff:
            d["diff"] = [list(x) for x in self.diff]
        return d


@dataclass
class Totals:
    """Sums that micro-average over articles and pages (see :func:`summary`)."""

    pages: int = 0
    articles: int = 0
    gt_chars: int = 0
    distance: int = 0
    gt_chars_nows: int = 0
    distance_nows: int = 0
    gt_words: int = 0
    word_distance: int = 0
    intact: int = 0
    intact_nows: int = 0
    found: int = 0
    split: int = 0
    merged: int = 0
    cer_sum: float = 0.0
    breaks_total: int = 0
    breaks_repaired: int = 0
    boundaries_total: int = 0
    boundaries_kept: int = 0
    hyphens_total: int = 0
    hyphens_right: int = 0
    break_hyphens_total: int = 0
    break_hyphens_right: int = 0
    compound_hyphens_total: int = 0
    compound_hyphens_right: int = 0
    order_pairs: int = 0
    order_right: int = 0
    bag_total: int = 0
    bag_hit: int = 0
    cjk_spaces: int = 0
    page_gt_chars: int = 0
    page_distance: int = 0
    output_chars_nows: int = 0
    unmatched_nows: int = 0

    def add(self, other: Totals) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _rate(num: float, den: float) -> float | None:
    return round(num / den, 6) if den else None


def summary(t: Totals) -> dict[str, Any]:
    """Rates from sums (micro-averages); ``None`` where nothing was measured.
    Keys are stable: scripts and CI read them."""
    return {
        "pages": t.pages,
        "articles": t.articles,
        "gt_chars": t.gt_chars,
        "cer": _rate(t.distance, t.gt_chars),
        "cer_nows": _rate(t.distance_nows, t.gt_chars_nows),
        "wer": _rate(t.word_distance, t.gt_words),
        "mean_article_cer": _rate(t.cer_sum, t.articles),
        "intact": _rate(t.intact, t.articles),
        "intact_nows": _rate(t.intact_nows, t.articles),
        "articles_intact": t.intact,
        "articles_found": t.found,
        "articles_missing": t.articles - t.found,
        "articles_split": t.split,
        "articles_merged": t.merged,
        "breaks_total": t.breaks_total,
        "breaks_repaired": _rate(t.breaks_repaired, t.breaks_total),
        "boundaries_total": t.boundaries_total,
        "boundaries_kept": _rate(t.boundaries_kept, t.boundaries_total),
        "hyphens_total": t.hyphens_total,
        "hyphens_right": _rate(t.hyphens_right, t.hyphens_total),
        "break_hyphens_total": t.break_hyphens_total,
        "break_hyphens_removed": _rate(t.break_hyphens_right, t.break_hyphens_total),
        "compound_hyphens_total": t.compound_hyphens_total,
        "compound_hyphens_kept": _rate(t.compound_hyphens_right, t.compound_hyphens_total),
        "reading_order": _rate(t.order_right, t.order_pairs) if t.order_pairs else (1.0 if t.found else None),
        "bag_recall": _rate(t.bag_hit, t.bag_total),
        "cjk_spaces": t.cjk_spaces,
        "page_cer": _rate(t.page_distance, t.page_gt_chars),
        "unmatched_output": _rate(t.unmatched_nows, t.output_chars_nows),
    }


@dataclass(frozen=True)
class PageResult:
    """One output/ground-truth pair."""

    name: str
    output_path: str
    gt_path: str
    output_format: str
    gt_format: str
    cjk: bool
    word_rule: str
    articles: tuple[ArticleResult, ...]
    output_articles: int
    totals: Totals
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> dict[str, Any]:
        return summary(self.totals)


def _ws(ch: str) -> bool:
    return ch.isspace()


def _nows(s: str) -> str:
    return "".join(ch for ch in s if not ch.isspace())


def _gt_map(ops: list[Op], m: int) -> tuple[list[int], list[bool]]:
    """For each ground-truth index, the aligned stretch index (-1 when deleted)
    and whether the two characters are equal."""
    pos = [-1] * m
    eq = [False] * m
    for tag, i1, i2, j1, j2 in ops:
        if tag in ("equal", "replace"):
            for t in range(min(i2 - i1, j2 - j1)):
                pos[i1 + t] = j1 + t
                eq[i1 + t] = tag == "equal"
    return pos, eq


def _side(g: str, pos: list[int], eq: list[bool], start: int, step: int, reach: int = 8) -> int:
    """Nearest non-space ground-truth index from ``start`` in direction
    ``step`` whose character was found (equal) in the output; -1 if none."""
    i = start
    for _ in range(reach):
        if i < 0 or i >= len(g):
            return -1
        if not _ws(g[i]) and pos[i] >= 0 and eq[i]:
            return i
        i += step
    return -1


def _newline_between(g: str, s: str, pos: list[int], eq: list[bool], left: int, right: int) -> bool | None:
    """Whether the output has a line break between the characters aligned to
    ground-truth indices just before ``left+1`` and from ``right`` on; None
    when either side is not in the stretch."""
    a = _side(g, pos, eq, left, -1)
    b = _side(g, pos, eq, right, +1)
    if a < 0 or b < 0 or pos[a] >= pos[b]:
        return None
    return "\n" in s[pos[a] + 1:pos[b]]


def _is_cjk_space(text: str, j: int) -> bool:
    if text[j] == "\n" or not text[j].isspace():
        return False
    a, b = j - 1, j + 1
    while a >= 0 and text[a].isspace() and text[a] != "\n":
        a -= 1
    while b < len(text) and text[b].isspace() and text[b] != "\n":
        b += 1
    return (a >= 0 and b < len(text) and is_cjk_char(text[a]) and is_cjk_char(text[b])
            and not text[a].isspace() and not text[b].isspace())


def _bag(s: str) -> Counter[str]:
    return Counter(ch for ch in s if not ch.isspace())


def _bag_hit(gt: Counter[str], out: Counter[str]) -> int:
    return sum(min(n, out.get(ch, 0)) for ch, n in gt.items())


def _word_distance(gt_text: str, out_text: str, cjk: bool) -> tuple[int, int]:
    gw = wordseg.tokenize(gt_text, cjk)
    ow = wordseg.tokenize(out_text, cjk) if out_text else []
    return len(gw), int(Levenshtein.distance(gw, ow)) if gw or ow else 0


def _pick(cands: list[Stretch], claimed: bytearray) -> Stretch:
    """The candidate with the least distance; among equals, the one
    overlapping the least output already claimed, then the first."""
    best = cands[0].distance
    ties = [c for c in cands if c.distance == best]
    if len(ties) == 1:
        return ties[0]
    return min(ties, key=lambda c: (sum(claimed[c.start:c.end]), c.start))


@dataclass
class _EncodedArticle:
    ref: RefArticle
    text: str
    line_starts: list[int]
    para_line: dict[int, int]


def _encode_article(a: RefArticle, codec: GraphemeCodec) -> _EncodedArticle:
    parts: list[str] = []
    starts: list[int] = []
    para_line: dict[int, int] = {}
    pos = 0
    if a.headline:
        enc = codec.encode(a.headline)
        starts.append(pos)
        parts.append(enc)
        pos += len(enc) + 1
    for pi, para in enumerate(a.paragraphs):
        if not para:
            continue
        enc = codec.encode(para)
        para_line[pi] = len(starts)
        starts.append(pos)
        parts.append(enc)
        pos += len(enc) + 1
    return _EncodedArticle(a, "\n".join(parts), starts, para_line)


def evaluate_docs(output: RefDoc, gt: RefDoc, name: str = "",
                  options: EvalOptions | None = None) -> PageResult:
    """Evaluate one output against one ground truth (see the module docstring)."""
    opt = options or EvalOptions()
    codec = GraphemeCodec()
    cjk = opt.cjk if opt.cjk is not None else (
        gt.language.startswith("zh") or gt.language.startswith("ja")
        or (not gt.language and is_cjk_text(gt.text)))
    k = opt.k or (4 if cjk else 7)

    out_parts = [codec.encode(a.text) for a in output.articles if a.text]
    out_text = "\n\n".join(out_parts)
    out_bounds: list[tuple[int, int]] = []
    p = 0
    for part in out_parts:
        out_bounds.append((p, p + len(part)))
        p += len(part) + 2
    art_of = [0] * len(out_text)
    for oi, (lo, hi) in enumerate(out_bounds):
        art_of[lo:hi] = [oi] * (hi - lo)
        if hi < len(out_text):
            art_of[hi:hi + 2] = [oi, oi]

    index = AnchorIndex(out_text, k)
    encoded = [_encode_article(a, codec) for a in gt.articles if a.text]
    results: list[dict[str, Any]] = [{} for _ in encoded]
    piece_sets: list[tuple[int, ...]] = [() for _ in encoded]
    covered_out = bytearray(len(out_text))
    # Longest articles first: where the output repeats text (a short heading
    # also found inside a longer article, a repeated notice), equally good
    # stretches are broken in favour of output not yet claimed by another.
    for ai in sorted(range(len(encoded)), key=lambda x: (-len(encoded[x].text), x)):
        ea = encoded[ai]
        g = ea.text
        m = len(g)
        cands, bands = find_stretches(g, index)
        stretch = _pick(cands, covered_out)
        s_text = out_text[stretch.start:stretch.end]
        ops = opcodes(g, s_text) if s_text else [("delete", 0, m, 0, 0)]
        pos, eq = _gt_map(ops, m)
        covered_out[stretch.start:stretch.end] = b"\x01" * (stretch.end - stretch.start)

        g_nows, s_nows = _nows(g), _nows(s_text)
        d_nows = distance(g_nows, s_nows)

        # pieces: output articles holding a good share of this article.  The
        # stretch gives the characters it matched; bands of anchors (runs of
        # text in common, not stray k-grams of common phrases) find the parts
        # the stretch misses elsewhere.  Text the stretch already matched is
        # not counted again where the output (or the page) repeats it.
        by_out: dict[int, set[int]] = {}
        for tag, i1, i2, j1, _j2 in ops:
            if tag == "equal":
                for off in range(i2 - i1):
                    by_out.setdefault(art_of[stretch.start + j1 + off], set()).add(i1 + off)
        for band in bands:
            if len(band.covered) < 2 * k:
                continue
            for i, j in band.anchors:
                if not any(eq[i:i + k]):
                    by_out.setdefault(art_of[j], set()).update(range(i, i + k))
        need = max(3 * k, opt.min_piece, opt.piece_fraction * m)
        pieces = tuple(sorted(o for o, cov in by_out.items() if len(cov) >= need))
        if not pieces and stretch.end > stretch.start and m >= k:
            # too short to be in pieces (an article shorter than an anchor, a
            # drop capital, is found in many places: no split/merge verdict)
            pieces = (art_of[stretch.start],)
        piece_sets[ai] = pieces

        # column breaks and paragraph boundaries
        b_total = b_ok = 0
        for para_i, offset in ea.ref.column_breaks:
            line = ea.para_line.get(para_i)
            if line is None:
                continue
            b_total += 1
            at = ea.line_starts[line] + len(codec.encode(ea.ref.paragraphs[para_i][:offset]))
            nl = _newline_between(g, s_text, pos, eq, at - 1, at)
            b_ok += nl is False
        nb_total = nb_ok = 0
        for ls in ea.line_starts[1:]:
            nb_total += 1
            nl = _newline_between(g, s_text, pos, eq, ls - 2, ls)
            nb_ok += nl is True

        h_total = h_ok = 0
        by_kind = {"break": [0, 0], "compound": [0, 0]}
        for h in ea.ref.hyphens:
            line = ea.para_line.get(h.paragraph)
            if line is None:
                continue
            para = nfc(ea.ref.paragraphs[h.paragraph])
            word = nfc(h.word)
            hits = [x for x in range(len(para)) if para.startswith(word, x)] if word else []
            if not hits:
                continue
            x = min(hits, key=lambda x: abs(x - h.offset) if not (x <= h.offset <= x + len(word)) else -1)
            h_total += 1
            first = ea.line_starts[line] + len(codec.encode(para[:x]))
            last = first + len(codec.encode(word)) - 1
            right = (pos[first] >= 0 and pos[last] >= 0 and pos[first] <= pos[last]
                     and codec.decode(s_text[pos[first]:pos[last] + 1]) == word)
            h_ok += right
            if h.kind in by_kind:
                by_kind[h.kind][0] += 1
                by_kind[h.kind][1] += right

        spaces = 0
        for tag, _i1, _i2, j1, j2 in ops:
            if tag in ("insert", "replace"):
                spaces += sum(_is_cjk_space(out_text, stretch.start + j) for j in range(j1, j2))

        gw, wd = _word_distance(codec.decode(g), codec.decode(s_text), cjk)
        bag_g = _bag(g)
        bag_total = sum(bag_g.values())
        cer = stretch.distance / m if m else 0.0
        cer_nows = d_nows / len(g_nows) if g_nows else 0.0
        diff = tuple((tag, codec.decode(g[i1:i2]), codec.decode(s_text[j1:j2]))
                     for tag, i1, i2, j1, j2 in ops) if opt.keep_diff else ()
        results[ai] = (dict(
            index=ai, id=ea.ref.id, headline=ea.ref.headline, gt_chars=m,
            distance=stretch.distance, cer=cer, gt_chars_nows=len(g_nows), distance_nows=d_nows,
            cer_nows=cer_nows, gt_words=gw, word_distance=wd, wer=(wd / gw if gw else 0.0),
            intact=cer < opt.intact_threshold, intact_nows=cer_nows < opt.intact_threshold,
            found=stretch.distance < m, start=stretch.start, end=stretch.end, pieces=pieces,
            split=len(pieces) > 1, breaks_total=b_total, breaks_repaired=b_ok,
            boundaries_total=nb_total, boundaries_kept=nb_ok, hyphens_total=h_total,
            hyphens_right=h_ok, cjk_spaces=spaces,
            break_hyphens_total=by_kind["break"][0], break_hyphens_right=by_kind["break"][1],
            compound_hyphens_total=by_kind["compound"][0], compound_hyphens_right=by_kind["compound"][1],
            bag_recall=(_bag_hit(bag_g, _bag(s_text)) / bag_total if bag_total else 1.0),
            diff=diff,
        ))

    # merged: an output article holding pieces of several ground-truth articles
    holders: dict[int, list[int]] = {}
    for ai, pieces in enumerate(piece_sets):
        for o in pieces:
            holders.setdefault(o, []).append(ai)
    articles: list[ArticleResult] = []
    for ai, r in enumerate(results):
        others = sorted({b for o in piece_sets[ai] for b in holders.get(o, []) if b != ai})
        articles.append(ArticleResult(merged_with=tuple(results[b]["id"] for b in others), **r))

    t = Totals(pages=1, articles=len(articles))
    for a in articles:
        t.gt_chars += a.gt_chars
        t.distance += a.distance
        t.gt_chars_nows += a.gt_chars_nows
        t.distance_nows += a.distance_nows
        t.gt_words += a.gt_words
        t.word_distance += a.word_distance
        t.intact += a.intact
        t.intact_nows += a.intact_nows
        t.found += a.found
        t.split += a.split
        t.merged += bool(a.merged_with)
        t.cer_sum += a.cer
        t.breaks_total += a.breaks_total
        t.breaks_repaired += a.breaks_repaired
        t.boundaries_total += a.boundaries_total
        t.boundaries_kept += a.boundaries_kept
        t.hyphens_total += a.hyphens_total
        t.hyphens_right += a.hyphens_right
        t.break_hyphens_total += a.break_hyphens_total
        t.break_hyphens_right += a.break_hyphens_right
        t.compound_hyphens_total += a.compound_hyphens_total
        t.compound_hyphens_right += a.compound_hyphens_right
        t.cjk_spaces += a.cjk_spaces
    # An article shorter than an anchor (a drop capital, "1.") matches in
    # many places; its position says nothing about the order.
    found = [a.start for a in articles if a.found and a.gt_chars >= k]
    for x in range(len(found)):
        for y in range(x + 1, len(found)):
            t.order_pairs += 1
            t.order_right += found[x] < found[y]
    gt_page = "\n\n".join(ea.text for ea in encoded)
    bag_g = _bag(gt_page)
    t.bag_total = sum(bag_g.values())
    t.bag_hit = _bag_hit(bag_g, _bag(out_text))
    t.page_gt_chars = len(gt_page)
    t.page_distance = distance(gt_page, out_text)
    t.output_chars_nows = sum(not ch.isspace() for ch in out_text)
    t.unmatched_nows = sum(1 for j, ch in enumerate(out_text) if not covered_out[j] and not ch.isspace())
    return PageResult(
        name=name, output_path=output.path, gt_path=gt.path, output_format=output.fmt,
        gt_format=gt.fmt, cjk=cjk, word_rule=wordseg.rule(cjk), articles=tuple(articles),
        output_articles=len(out_parts), totals=t, notes=gt.notes,
    )
