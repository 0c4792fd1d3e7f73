"""The fast raster paths of preprocess and layout give exactly what the plain
OpenCV calls they replace give (the speed work must not change results).

Each fast function is compared with a straightforward reference on random
pages built to hit its edge cases: runs touching the image border, rules a
pixel apart, many or few components, images wider than tall and the other
way round."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from layoutkit.layout import (
    _clean_text,
    _dilate3,
    _drop_slivers,
    _ink_edge,
    _keep_glyph_strokes,
    _line_runs,
    _remove_rule_remnants,
    _stroke_widths,
    find_rules,
)
from layoutkit.model import BBox
from layoutkit.preprocess import (
    despeckle,
    erase_components,
    erase_in_strips,
    label_components,
    label_strips,
    open_line,
    remove_borders,
)


def _page(rng: np.random.Generator, h: int, w: int, n_lines: int = 12, specks: float = 0.002) -> np.ndarray:
    """A 0/255 page: random text-like blobs, specks, and horizontal and
    vertical runs of random length, thickness and place (some at the edges)."""
    img = np.zeros((h, w), np.uint8)
    img[rng.random((h, w)) < specks] = 255
    for _ in range(40):
        y, x = int(rng.integers(0, h)), int(rng.integers(0, w))
        img[y:y + int(rng.integers(3, 30)), x:x + int(rng.integers(2, 25))] = 255
    for _ in range(n_lines):
        t = int(rng.integers(1, 5))
        if rng.random() < 0.5:
            y = int(rng.choice([0, h - t, int(rng.integers(0, h))]))
            x0 = int(rng.choice([0, int(rng.integers(0, w))]))
            img[y:y + t, x0:x0 + int(rng.integers(10, w + 1))] = 255
        else:
            x = int(rng.choice([0, w - t, int(rng.integers(0, w))]))
            y0 = int(rng.choice([0, int(rng.integers(0, h))]))
            img[y0:y0 + int(rng.integers(10, h + 1)), x:x + t] = 255
    return img


def _ref_drop_slivers(img: np.ndarray, em: float) -> tuple[np.ndarray, bool]:
    """Plain OpenCV reference of ``layout._drop_slivers``: components at most
    0.2 em thin and 2 em long erased; whether any was."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(img, connectivity=8)
    w, h = stats[:, 2], stats[:, 3]
    th = max(2, int(em * 0.2))
    drop = ((w <= th) & (h <= 2 * em)) | ((h <= th) & (w <= 2 * em))
    drop[0] = False
    ref = img.copy()
    ref[drop[labels]] = 0
    return ref, bool(drop.any())


def _ref_line_runs(img: np.ndarray, length: int, horizontal: bool) -> list[tuple[int, int, int, int]]:
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    m = cv2.morphologyEx(img, cv2.MORPH_OPEN, k)
    n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, n)]  # type: ignore[misc]


@pytest.mark.parametrize("seed", range(16))
def test_line_runs_equal_full_labelling(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    h, w = int(rng.integers(60, 700)), int(rng.integers(60, 700))
    img = _page(rng, h, w, n_lines=int(rng.integers(2, 30)), specks=float(rng.choice([0.0, 0.01, 0.3])))
    for horizontal in (True, False):
        for length in (int(rng.integers(5, 60)), int(rng.integers(60, 300)), 150):
            got = _line_runs(img, length, horizontal)
            ref = _ref_line_runs(img, length, horizontal)
            assert sorted(got) == sorted(ref), (horizontal, length)


def test_line_runs_finds_edge_runs_and_skips_text_rows() -> None:
    # half-kernel runs at the page's edges survive the opening (OpenCV's
    # erosion border); a dense text-like row does not
    img = np.zeros((300, 800), np.uint8)
    img[10:12, 0:80] = 255  # left edge, half of 150 long
    img[20:22, 720:800] = 255  # right edge
    img[100:103, 200:500] = 255  # interior rule
    img[150:170, 100:700:6] = 255  # text-like stripes
    got = sorted(_line_runs(img, 150, True))
    assert got == sorted(_ref_line_runs(img, 150, True))
    assert any(y == 100 and bw == 300 and bh == 3 for _, y, bw, bh in got)
    assert {y for _, y, _, _ in got} == {10, 20, 100}  # both edge runs too
    assert all(not (150 <= y < 170) for _, y, _, _ in got)


@pytest.mark.parametrize("seed", range(6))
def test_find_rules_same_as_plain_morphology(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    h, w = int(rng.integers(300, 900)), int(rng.integers(300, 900))
    img = _page(rng, h, w, n_lines=20)
    em = float(rng.integers(8, 30))
    got = find_rules(img, em, dpi=100)

    # the earlier implementation: open the whole page, label it
    from layoutkit.layout import _join_collinear

    emx = max(em, 8.0)
    min_len = int(max(emx * 6, 100 * 0.5))
    thick = max(2, int(emx * 0.35))
    out: list[list[BBox]] = [[], []]
    for axis, kernel in enumerate(((min_len, 1), (1, min_len))):
        bridge = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if axis == 0 else (1, 3))
        m = cv2.morphologyEx(cv2.dilate(img, bridge), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh = (int(v) for v in stats[i, :4])
            length, width = (bw, bh) if axis == 0 else (bh, bw)
            if length >= min_len and width <= thick * 3:
                out[axis].append(BBox(x, y, x + bw, y + bh))
    ref = (_join_collinear(out[0], True, 1.2 * emx), _join_collinear(out[1], False, 1.2 * emx))
    assert sorted(b.as_tuple() for b in got[0]) == sorted(b.as_tuple() for b in ref[0])
    assert sorted(b.as_tuple() for b in got[1]) == sorted(b.as_tuple() for b in ref[1])
    assert got[0] or got[1]  # the page has long runs: something is found


def test_label_components_matches_32bit_and_falls_back() -> None:
    rng = np.random.default_rng(7)
    img = _page(rng, 500, 400, specks=0.05)
    n, labels, stats = label_components(img)
    n2, labels2, stats2, _ = cv2.connectedComponentsWithStats(img, connectivity=8)
    assert n == n2 and np.array_equal(stats, stats2) and np.array_equal(labels, labels2)
    # more components than 16 bits hold: labelled in 32 bits
    dots = np.zeros((900, 900), np.uint8)
    dots[::3, ::3] = 255
    n, labels, stats = label_components(dots)
    assert n == 300 * 300 + 1 and labels.dtype == np.int32 and stats.shape == (n, 5)


@pytest.mark.parametrize("many", [False, True])
def test_erase_components_few_and_many(many: bool) -> None:
    rng = np.random.default_rng(3)
    img = _page(rng, 400, 500, specks=0.05 if many else 0.001)
    n, labels, stats = label_components(img)
    drop = stats[:, cv2.CC_STAT_AREA] < 5
    drop[0] = False
    assert (drop.sum() * 1000 > labels.size) == many  # both ways of erasing
    ref = img.copy()
    ref[drop[labels]] = 0
    got = erase_components(img, labels, stats, drop)
    assert np.array_equal(got, ref) and got is not img
    assert not np.array_equal(got, img)


@pytest.mark.parametrize("seed", range(4))
def test_remnants_and_slivers_same_as_plain(seed: int) -> None:
    rng = np.random.default_rng(300 + seed)
    img = _page(rng, 400, 500, n_lines=10, specks=0.01)
    em = 20.0
    # reference: whole-image openings
    thin = max(2, int(em * 0.45))
    ref = img
    for along, across in (((1, int(em * 1.5)), (thin + 1, 1)), ((int(em * 3), 1), (1, thin + 1))):
        runs = cv2.morphologyEx(ref, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, along))
        wide = cv2.morphologyEx(runs, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        ref = cv2.subtract(ref, cv2.subtract(runs, wide))
    got = _remove_rule_remnants(img, em)
    assert np.array_equal(got, ref)
    assert np.array_equal(_drop_slivers(got, em), _ref_drop_slivers(got, em)[0])


def test_remove_borders_whitens_frame_lines() -> None:
    gray = np.full((1200, 1000), 230, np.uint8)
    gray[15:18, 50:950] = 20  # a frame line near the top edge
    gray[100:1100, 985:988] = 20  # and one near the right edge
    gray[600:603, 100:900] = 20  # a rule in the page: kept
    out = remove_borders(gray)
    assert (out[15:18, 50:950] == 255).all() and (out[100:1100, 985:988] == 255).all()
    assert (out[600:603, 100:900] == 20).all()


def _ref_remove_borders(gray: np.ndarray) -> np.ndarray:
    """remove_borders as first written: whole-page openings of edge-masked copies."""
    h, w = gray.shape
    dark = gray < 80
    out = gray.copy()
    slack = max(2, int(0.004 * min(h, w)))

    def edge_run(profile: np.ndarray) -> int:
        n, light = 0, 0
        for i, v in enumerate(profile):
            if v > 0.6:
                n = i + 1
            elif n == 0 and light < slack:
                light += 1
            else:
                break
        return n

    rows, cols = dark.mean(axis=1), dark.mean(axis=0)
    top, bottom, left, right = edge_run(rows), edge_run(rows[::-1]), edge_run(cols), edge_run(cols[::-1])
    if top:
        out[:top] = 255
    if bottom:
        out[h - bottom:] = 255
    if left:
        out[:, :left] = 255
    if right:
        out[:, w - right:] = 255
    f = max(1, min(h, w) // 1000)
    d = (cv2.resize((out < 80).astype(np.uint8) * 255, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA) > 64).astype(np.uint8)
    sh, sw = d.shape
    band = max(3, int(0.03 * min(sh, sw)))
    for horizontal in (True, False):
        length = int((sw if horizontal else sh) * 0.5)
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        edge = np.zeros_like(d)
        if horizontal:
            edge[:band] = 1
            edge[sh - band:] = 1
        else:
            edge[:, :band] = 1
            edge[:, sw - band:] = 1
        lines = cv2.morphologyEx(d * edge, cv2.MORPH_OPEN, k)
        if lines.any():
            grown = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
            out[cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST) > 0] = 255
    return out


@pytest.mark.parametrize("seed", range(10))
def test_remove_borders_same_as_whole_page_openings(seed: int) -> None:
    rng = np.random.default_rng(400 + seed)
    h, w = int(rng.integers(200, 2300)), int(rng.integers(200, 2300))
    gray = rng.integers(150, 256, (h, w)).astype(np.uint8)
    for _ in range(int(rng.integers(0, 6))):  # frame lines and strokes, some near the edges
        t = int(rng.integers(1, 8))
        if rng.random() < 0.5:
            y = int(rng.choice([int(rng.integers(0, max(1, h // 25))), int(rng.integers(0, h))]))
            x0 = int(rng.integers(0, w // 2))
            gray[y:y + t, x0:x0 + int(rng.integers(w // 4, w))] = 20
        else:
            x = int(rng.choice([w - 1 - int(rng.integers(0, max(1, w // 25))), int(rng.integers(0, w))]))
            y0 = int(rng.integers(0, h // 2))
            gray[y0:y0 + int(rng.integers(h // 4, h)), max(0, x - t):x + 1] = 20
    if seed % 3 == 0:  # a dark scanner border on one side
        gray[:, : int(rng.integers(1, 40))] = 10
    assert np.array_equal(remove_borders(gray), _ref_remove_borders(gray))


@pytest.mark.parametrize("seed", range(10))
def test_label_strips_same_components_as_whole_page(seed: int) -> None:
    rng = np.random.default_rng(700 + seed)
    h, w = int(rng.integers(12, 300)), int(rng.integers(12, 300))
    img = _page(rng, h, w, n_lines=int(rng.integers(0, 15)), specks=float(rng.choice([0.0, 0.05, 0.45])))
    if seed % 3 == 0:
        img[:, w // 2] = 255  # one component through every strip
        img[::2, 0] = 255  # pieces that touch only diagonally across strip edges
        img[1::2, 1] = 255
    n, labels, stats = label_components(img)
    rows = int(rng.integers(1, 40))
    strips, root, merged = label_strips(img, rows=rows)
    assert sorted(map(tuple, merged.tolist())) == sorted(map(tuple, stats[1:, :5].tolist()))
    # erasing the small ones strip by strip = erasing them on the whole page
    small = merged[:, cv2.CC_STAT_AREA] < 6
    ref_drop = stats[:, cv2.CC_STAT_AREA] < 6
    ref_drop[0] = False
    assert np.array_equal(erase_in_strips(img, strips, small[root]), erase_components(img, labels, stats, ref_drop))


def test_despeckle_of_a_large_page_goes_by_strips_with_the_same_result() -> None:
    rng = np.random.default_rng(9)
    img = _page(rng, 4200, 4000, n_lines=40, specks=0.01)  # over STRIP_PIXELS
    out, kept = despeckle(img, 12)
    n, labels, stats = label_components(img)
    small = stats[:, cv2.CC_STAT_AREA] < 12
    small[0] = False
    assert np.array_equal(out, erase_components(img, labels, stats, small))
    assert sorted(map(tuple, kept.tolist())) == sorted(map(tuple, stats[1:][~small[1:]].tolist()))


def test_drop_slivers_of_a_large_page_by_strips_same_as_whole_page() -> None:
    rng = np.random.default_rng(11)
    img = _page(rng, 4100, 4000, n_lines=60, specks=0.01)  # over STRIP_PIXELS
    em = 20.0
    ref, dropped = _ref_drop_slivers(img, em)
    assert dropped and np.array_equal(_drop_slivers(img, em), ref)


def _ref_keep_glyph_strokes(before: np.ndarray, after: np.ndarray, em: float) -> np.ndarray:
    """Stroke restoring by whole-image look-ups (the plain version)."""
    removed = cv2.subtract(before, after)
    if not removed.any():
        return after
    n, labels, stats, _ = cv2.connectedComponentsWithStats(before, connectivity=8)
    mixed = np.zeros(n, bool)
    mixed[np.unique(labels[removed > 0])] = True
    kept = np.zeros(n, bool)
    kept[np.unique(labels[after > 0])] = True
    small = (stats[:, 2] <= 4 * em) & (stats[:, 3] <= 4 * em)
    restore = mixed & kept & small
    restore[0] = False
    if not restore.any():
        return after
    pieces = removed.copy()
    pieces[~restore[labels]] = 0
    _, plabels, pstats, _ = cv2.connectedComponentsWithStats(pieces, connectivity=8)
    heavy = pstats[:, 4] >= 0.15 * em * np.maximum(pstats[:, 2], pstats[:, 3])
    heavy[0] = False
    out = after.copy()
    out[heavy[plabels]] = 255
    return out


@pytest.mark.parametrize("seed", range(8))
def test_keep_glyph_strokes_same_as_whole_image(seed: int) -> None:
    rng = np.random.default_rng(500 + seed)
    h, w = int(rng.integers(150, 500)), int(rng.integers(150, 500))
    img = _page(rng, h, w, n_lines=int(rng.integers(0, 14)), specks=0.004)
    # glyph-sized shapes with long stems (restored) beside the rules
    for _ in range(6):
        y, x = int(rng.integers(0, h - 40)), int(rng.integers(0, w - 40))
        img[y:y + 36, x:x + int(rng.integers(3, 9))] = 255
        img[y + 10:y + 14, x:x + 25] = 255
    em = float(rng.choice([10.0, 14.0, 20.0]))
    after = _remove_rule_remnants(img, em)
    assert np.array_equal(_keep_glyph_strokes(img, after, em), _ref_keep_glyph_strokes(img, after, em))


@pytest.mark.parametrize("seed", range(6))
def test_ink_edge_is_the_first_step_of_the_distance_map(seed: int) -> None:
    rng = np.random.default_rng(700 + seed)
    h, w = int(rng.integers(20, 300)), int(rng.integers(20, 300))
    img = _page(rng, h, w, specks=0.05)
    img[: int(rng.integers(0, 4))] = 255  # ink along the image's edges
    img[:, w - int(rng.integers(0, 4)):] = 255
    dist = cv2.distanceTransform(img, cv2.DIST_L2, 3)
    assert np.array_equal(_ink_edge(img), (dist > 0) & (dist < 1.2))
    boxes = [BBox(0, 0, w, h), BBox(w // 4, h // 5, w // 2 + 1, h - 1), BBox(1, 2, 3, 4)]
    ref = []
    for b in boxes:  # the measure as taken on the distance map
        sub = dist[b.top:b.bottom, b.x0:b.x1]
        area, edge = int(np.count_nonzero(sub)), int(np.count_nonzero((sub > 0) & (sub < 1.2)))
        ref.append(2.0 * area / edge if edge else 0.0)
    assert _stroke_widths(img, _ink_edge(img), boxes) == ref


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (2, 2), (57, 83), (300, 211)])
def test_dilate3_same_as_opencv(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    img = (rng.random(shape) < 0.3).astype(np.uint8) * 255
    img[rng.random(shape) < 0.1] = 7  # any value, not only 0/255
    for horizontal, k in ((True, (3, 1)), (False, (1, 3))):
        ref = cv2.dilate(img, cv2.getStructuringElement(cv2.MORPH_RECT, k))
        assert np.array_equal(_dilate3(img, horizontal), ref)


@pytest.mark.parametrize("seed", range(10))
def test_open_line_equals_opening(seed: int) -> None:
    rng = np.random.default_rng(900 + seed)
    for _ in range(20):
        h, w = int(rng.integers(1, 70)), int(rng.integers(1, 90))
        img = (rng.random((h, w)) < rng.choice([0.3, 0.8, 0.97, 1.0])).astype(np.uint8) * 255
        length = int(rng.integers(1, 60))  # odd and even, longer than the image too
        for horizontal in (True, False):
            k = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
            ref = cv2.morphologyEx(img, cv2.MORPH_OPEN, k)
            assert np.array_equal(open_line(img, length, horizontal), ref)
    page = _page(rng, 300, 420)
    for length, horizontal in ((33, False), (66, True), (8, True), (9, False)):
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        assert np.array_equal(open_line(page, length, horizontal), cv2.morphologyEx(page, cv2.MORPH_OPEN, k))


@pytest.mark.parametrize("seed", range(10))
def test_clean_text_same_as_its_steps_one_after_the_other(seed: int) -> None:
    rng = np.random.default_rng(1100 + seed)
    h, w = int(rng.integers(150, 500)), int(rng.integers(150, 500))
    img = _page(rng, h, w, n_lines=int(rng.integers(0, 14)), specks=float(rng.choice([0.002, 0.01])))
    for _ in range(6):  # glyph-sized shapes with long stems beside the rules
        y, x = int(rng.integers(0, h - 40)), int(rng.integers(0, w - 40))
        img[y:y + 36, x:x + int(rng.integers(3, 9))] = 255
        img[y + 10:y + 14, x:x + 25] = 255
    em = float(rng.choice([10.0, 14.0, 20.0]))
    after = _remove_rule_remnants(img, em)
    ink = _keep_glyph_strokes(img, after, em)
    got_ink, got_text = _clean_text(img, em)
    assert np.array_equal(got_ink, ink)
    assert np.array_equal(got_text, _drop_slivers(ink, em))
