"""Edit distance and alignment on grapheme-encoded strings.

All strings here are *encoded* (see :mod:`.graphemes`): one character per
grapheme cluster, so lengths and indices are in grapheme clusters.

* Global edit distance and alignments (opcodes) come from rapidfuzz's
  Levenshtein (bit-parallel C++; Hyyrö's algorithm, Hirschberg for the path).
* Finding where a ground-truth article sits in the output is *infix*
  (semi-global) alignment: the edit distance of the article to its best
  contiguous stretch of the output.  Candidate windows come from k-gram
  anchors (k characters of the article found verbatim in the output, rare
  in the output); inside each window Myers' bit-vector algorithm (1999)
  finds the exact best stretch.  The bit vectors are Python integers of
  ``len(article)`` bits, so one window costs O(window * len(article) / 30)
  machine operations and only O(window) Python steps, never O(n*m).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

#: an alignment step: (tag, src_start, src_end, dest_start, dest_end), tag in
#: equal / replace / delete / insert (src = ground truth, dest = output)
Op = tuple[str, int, int, int, int]


def distance(a: str, b: str) -> int:
    """Levenshtein distance (unit costs) between two encoded strings."""
    return int(Levenshtein.distance(a, b))


def opcodes(src: str, dest: str) -> list[Op]:
    """An optimal alignment of ``src`` (ground truth) to ``dest`` (output)."""
    return [(o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end)
            for o in Levenshtein.opcodes(src, dest)]


def _peq(pattern: str) -> dict[str, int]:
    peq: dict[str, int] = {}
    for i, ch in enumerate(pattern):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    return peq


def infix_scores_best(pattern: str, text: str) -> tuple[int, int]:
    """Myers' bit-vector infix search of ``pattern`` in ``text``.

    Returns ``(best, end)``: the smallest edit distance between ``pattern``
    and any substring ``text[s:end]``, and the smallest such ``end`` (0 with
    ``best == len(pattern)`` when no substring beats the empty one).
    """
    m = len(pattern)
    if m == 0:
        return 0, 0
    peq = _peq(pattern)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    best, best_end = m, 0
    for j, ch in enumerate(text):
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        # Free start in the text: the row-0 boundary is all zeros, so no
        # carry is shifted in (for a global alignment it would be 1).
        ph = (ph << 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        if score < best:
            best, best_end = score, j + 1
    return best, best_end


def infix_align(pattern: str, text: str) -> tuple[int, int, int]:
    """Best contiguous stretch of ``text`` for ``pattern``: ``(dist, start, end)``.

    Exact: ``dist == min over s <= e of distance(pattern, text[s:e])``; among
    the optimal stretches it returns the one ending first and, for that end,
    the shortest.
    """
    best, end = infix_scores_best(pattern, text)
    if end == 0:
        return len(pattern), 0, 0
    # Running the reversed pattern over the reversed text up to ``end`` finds
    # where the stretch starts.
    rbest, rend = infix_scores_best(pattern[::-1], text[:end][::-1])
    start = end - rend
    if rbest != best:  # cannot happen for an exact search; keep the measured one
        best = distance(pattern, text[start:end])
    return best, start, end


@dataclass(frozen=True, slots=True)
class Stretch:
    """Where a ground-truth string sits in the output: ``output[start:end]``
    (grapheme indices) at edit distance ``distance``; ``start == end`` when
    it was not found (then ``distance`` is the pattern length)."""

    start: int
    end: int
    distance: int


class AnchorIndex:
    """k-grams of the output text -> their positions (only rare ones kept).

    ``k`` is in grapheme clusters (4 suits Chinese, about 7 Latin text).
    """

    def __init__(self, text: str, k: int, max_occurrences: int = 4) -> None:
        self.text = text
        self.k = k
        self.max_occurrences = max_occurrences
        index: dict[str, list[int]] = {}
        for j in range(len(text) - k + 1):
            index.setdefault(text[j:j + k], []).append(j)
        self._index = {g: p for g, p in index.items() if len(p) <= max_occurrences}

    def anchors(self, pattern: str) -> list[tuple[int, int]]:
        """``(i, j)`` pairs with ``pattern[i:i+k] == text[j:j+k]``."""
        k, get = self.k, self._index.get
        out: list[tuple[int, int]] = []
        for i in range(len(pattern) - k + 1):
            pos = get(pattern[i:i + k])
            if pos:
                out.extend((i, j) for j in pos)
        return out


@dataclass(slots=True)
class Cluster:
    """Anchors that lie along one diagonal band of the output."""

    i0: int
    i1: int
    j0: int
    j1: int
    covered: set[int]
    anchors: list[tuple[int, int]]


def cluster_anchors(anchors: list[tuple[int, int]], k: int, gap: int = 24) -> list[Cluster]:
    """Group anchors into bands: runs of text the pattern and the output have
    in common.  Anchors are taken in output order; each joins the open band
    whose last anchor it continues best: at most ``2 * gap`` graphemes further
    in the output, with pattern and output advancing by amounts that differ
    by at most ``gap``.  Otherwise it starts a new band.  Stray k-grams that
    common phrases share with other text stay in bands of their own."""
    out: list[Cluster] = []
    open_: list[tuple[Cluster, list[int]]] = []  # band, [last i, last j]
    for i, j in sorted(anchors, key=lambda a: (a[1], a[0])):
        open_ = [(c, last) for c, last in open_ if j - last[1] <= 2 * gap]
        best: tuple[int, Cluster, list[int]] | None = None
        for c, last in open_:
            di, dj = i - last[0], j - last[1]
            if di < -gap // 2 or abs(dj - di) > gap:
                continue
            cost = abs(dj - di) + (0 if di > 0 else gap)
            if best is None or cost < best[0]:
                best = (cost, c, last)
        if best is None:
            c = Cluster(i, i + k, j, j + k, set(), [])
            out.append(c)
            open_.append((c, [i, j]))
        else:
            _, c, last = best
            last[0], last[1] = max(i, last[0]), j
        c.i0, c.i1 = min(c.i0, i), max(c.i1, i + k)
        c.j1 = max(c.j1, j + k)
        c.covered.update(range(i, i + k))
        c.anchors.append((i, j))
    return out


def candidate_windows(m: int, clusters: list[Cluster], n: int, limit: int = 3,
                      max_clusters: int = 40) -> list[tuple[int, int]]:
    """Output windows ``[a, b)`` likely to hold the best stretch for a
    pattern of length ``m``: the ``limit`` best runs of consecutive bands,
    ranked by an estimate (pattern graphemes not covered + output graphemes
    in the run not explained by covered ones), widened to make room for the
    uncovered head and tail of the pattern."""
    if not clusters:
        return []
    big = sorted(clusters, key=lambda c: -len(c.covered))[:max_clusters]
    big.sort(key=lambda c: c.j0)
    scored: list[tuple[int, int, int]] = []
    for a in range(len(big)):
        covered: set[int] = set()
        i0, i1, j1 = m, 0, 0
        for b in range(a, len(big)):
            c = big[b]
            covered |= c.covered
            i0, i1, j1 = min(i0, c.i0), max(i1, c.i1), max(j1, c.j1)
            span = j1 - big[a].j0
            est = (m - len(covered)) + max(0, span - len(covered))
            pad = 16
            lo = max(0, big[a].j0 - i0 - pad - i0 // 8)
            hi = min(n, j1 + (m - i1) + pad + (m - i1) // 8)
            scored.append((est, lo, hi))
    scored.sort()
    windows: list[tuple[int, int]] = []
    for _, lo, hi in scored[:limit]:
        windows.append((lo, hi))
    windows.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in windows:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def find_stretch(pattern: str, index: AnchorIndex) -> tuple[Stretch, list[Cluster]]:
    """The best contiguous stretch of ``index.text`` for ``pattern`` (the
    first of :func:`find_stretches`), and the bands of anchors found."""
    cands, bands = find_stretches(pattern, index)
    return cands[0], bands


def find_stretches(pattern: str, index: AnchorIndex) -> tuple[list[Stretch], list[Cluster]]:
    """Candidate stretches of ``index.text`` for ``pattern``, best first.

    Exact inside each candidate window found by the anchors (one stretch per
    window), and every verbatim occurrence (up to 20); a short pattern
    (under two k-grams, e.g. a one-line heading) with neither gets
    rapidfuzz's partial-ratio alignment.  A longer pattern with no anchor at all
    (missing, or too garbled for any k-gram to survive) is reported as not
    found: distance = its length, which overstates the error of a pattern
    whose every k-gram is wrong by at most a few percent.  Several
    candidates let the caller break ties where the output repeats text.
    The empty stretch (distance = length) is always the last candidate.
    """
    m, text = len(pattern), index.text
    if m == 0:
        return [Stretch(0, 0, 0)], []
    anchors = index.anchors(pattern)
    clusters = cluster_anchors(anchors, index.k)
    windows = candidate_windows(m, clusters, len(text))
    cands: list[Stretch] = []
    at = text.find(pattern)
    while at >= 0 and len(cands) < 20:
        cands.append(Stretch(at, at + m, 0))
        at = text.find(pattern, at + 1)
    if not cands and not windows and m < 2 * index.k:
        windows = _short_pattern_windows(pattern, text)
    for lo, hi in windows:
        d, s, e = infix_align(pattern, text[lo:hi])
        if d < m:
            cands.append(Stretch(lo + s, lo + e, d))
    cands.sort(key=lambda c: (c.distance, c.start))
    cands.append(Stretch(0, 0, m))
    return cands, clusters


def _short_pattern_windows(pattern: str, text: str) -> list[tuple[int, int]]:
    """Windows for a pattern shorter than two k-grams (a one-line heading):
    rapidfuzz's partial-ratio alignment finds the most similar stretch."""
    from rapidfuzz import fuzz

    if not text:
        return []
    res = fuzz.partial_ratio_alignment(pattern, text)
    if res is None or res.score <= 0:
        return []
    m = len(pattern)
    return [(max(0, res.dest_start - m), min(len(text), res.dest_end + m))]
