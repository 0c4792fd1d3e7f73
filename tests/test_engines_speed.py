"""RapidOCR speed paths: long lines read in chunks, repeated calls cached,
"single line" crops that are not one line, thread settings of the sessions."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from layoutkit.engines.rapidocr import RapidOcrEngine, _chunks, _merge_pieces, looks_like_one_line
from layoutkit.model import Line

HAS_RAPIDOCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None
needs_rapidocr = pytest.mark.skipif(not HAS_RAPIDOCR, reason="rapidocr-onnxruntime not installed")
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
needs_font = pytest.mark.skipif(not Path(SERIF).exists(), reason="fonts-noto-cjk not installed")

LONG = "上海市商会昨日召开会议研究部署各商店照常营业以免市民生活不便本报记者报道会议决定"


def _line(text: str, size: int = 32, vertical: bool = False) -> np.ndarray:
    font = ImageFont.truetype(SERIF, size, index=2)
    n = len(text)
    if vertical:
        im = Image.new("L", (2 * size, int(1.1 * size) * n + size), 255)
        d = ImageDraw.Draw(im)
        for k, ch in enumerate(text):
            d.text((size // 2, size // 2 + int(1.1 * size) * k), ch, font=font, fill=0)
    else:
        im = Image.new("L", (int(1.05 * size) * n + size, int(1.6 * size)), 255)
        d = ImageDraw.Draw(im)
        for k, ch in enumerate(text):
            d.text((size // 2 + int(1.05 * size) * k, size // 4), ch, font=font, fill=0)
    return np.array(im)


def _cer(lines: list[Line], gt: str) -> float:
    return Levenshtein.distance("".join("".join(ln.text.split()) for ln in lines), gt) / len(gt)


@pytest.fixture(scope="module")
def rapid() -> RapidOcrEngine:
    return RapidOcrEngine(threads=1)


# ------------------------------------------------------------------ pure helpers
def test_chunks_cut_in_gaps_and_split_the_quad() -> None:
    # 20 black "glyphs" 40 px wide, 10 px apart, on a 48 px high line (1000 px)
    crop = np.full((48, 1000, 3), 255, np.uint8)
    for k in range(20):
        crop[8:40, 5 + 50 * k : 45 + 50 * k] = 0
    quad = np.array([[100, 200], [1100, 200], [1100, 248], [100, 248]], np.float32)
    pieces = _chunks(crop, quad, 320)
    assert len(pieces) == 4
    widths = [p[0].shape[1] for p in pieces]
    assert sum(widths) == 1000 and max(widths) < 1.4 * 250
    x = 0
    for sub, q in pieces[:-1]:
        x += sub.shape[1]
        assert (x - 5) % 50 >= 40  # the cut falls in a gap between glyphs
        assert q[1, 0] == pytest.approx(100 + x, abs=0.01) and q[0, 1] == 200 and q[2, 1] == 248
    assert _chunks(crop, quad, 0)[0][0] is crop and len(_chunks(crop, quad, 960)) == 1


def test_chunks_of_a_vertical_line_split_along_its_height() -> None:
    crop = np.full((48, 1000, 3), 255, np.uint8)  # a column already turned: top on the left
    quad = np.array([[10, 0], [58, 0], [58, 1000], [10, 1000]], np.float32)
    pieces = _chunks(crop, quad, 400)
    assert len(pieces) == 3
    tops = [float(q[0, 1]) for _, q in pieces]
    assert tops == sorted(tops) and tops[0] == 0
    assert all(q[0, 0] == 10 and q[1, 0] == 58 for _, q in pieces)
    assert float(pieces[-1][1][2, 1]) == pytest.approx(1000)


def test_merge_pieces_joins_text_boxes_and_weights_scores() -> None:
    a = ("上海", 0.9, [[[0, 0], [1, 0], [1, 1], [0, 1]]] * 2, ["上", "海"], [0.9, 0.9])
    b = ("市商会", 0.6, [[[2, 0], [3, 0], [3, 1], [2, 1]]] * 3, ["市", "商", "会"], [0.6] * 3)
    empty = ("", 0.0, [], [], [])
    merged = _merge_pieces([0, 0, 1, 2], [a, b, empty, a], 3)
    text, score, quads, chars, confs = merged[0]
    assert text == "上海市商会" and chars == list(text) and len(quads) == len(confs) == 5
    assert score == pytest.approx((0.9 * 2 + 0.6 * 3) / 5)
    assert merged[1] is None and merged[2] == a


def test_looks_like_one_line() -> None:
    line = np.full((120, 900, 3), 255, np.uint8)[:, :, 0]
    for k in range(8):
        line[10:110, 10 + 110 * k : 110 + 110 * k] = 0  # 8 glyphs of 100 px
    assert looks_like_one_line(line)
    assert looks_like_one_line(np.full((40, 60), 255, np.uint8))  # small crops are taken as given
    cols = np.full((900, 1800), 255, np.uint8)
    for k in range(45):
        cols[20:880, 10 + 40 * k : 40 + 40 * k] = 0  # 45 thin vertical columns
    assert not looks_like_one_line(cols)
    two = np.full((300, 1200), 255, np.uint8)
    two[20:130, 20:1180] = 0
    two[170:280, 20:1180] = 0
    assert not looks_like_one_line(two)
    assert not looks_like_one_line(np.full((400, 500), 255, np.uint8))


# ------------------------------------------------------------------ real models
@needs_rapidocr
@needs_font
def test_long_line_read_in_chunks_matches_whole(rapid: RapidOcrEngine) -> None:
    img = _line(LONG)  # ~1400 px at 51 px high: 3 chunks of 640 at the model's 48 px
    lines = rapid.recognize(img, "chi_sim", single_line=True)
    assert len(lines) == 1 and _cer(lines, LONG) < 0.08
    whole = RapidOcrEngine(threads=1, rec_chunk=0).recognize(img, "chi_sim", single_line=True)
    assert Levenshtein.distance(lines[0].text, whole[0].text) <= 2
    xs = [wd.bbox.cx for wd in lines[0].words]
    assert xs == sorted(xs) and xs[-1] - xs[0] > 0.8 * img.shape[1]


@needs_rapidocr
@needs_font
def test_long_vertical_column_read_in_chunks(rapid: RapidOcrEngine) -> None:
    img = _line(LONG, vertical=True)
    lines = rapid.recognize(img, "chi_sim", vertical=True)
    assert _cer(lines, LONG) < 0.1
    ys = [wd.bbox.cy for ln in lines for wd in ln.words]
    assert ys == sorted(ys) and ys[-1] - ys[0] > 0.8 * img.shape[0]


@needs_rapidocr
@needs_font
def test_repeated_call_with_other_languages_is_cached(rapid: RapidOcrEngine) -> None:
    img = _line(LONG[:12])
    first = rapid.recognize(img, "chi_sim", single_line=True)
    n = len(rapid._cache)
    again = rapid.recognize(img, "chi_sim+eng", single_line=True)
    assert again == first and len(rapid._cache) == n
    other = rapid.recognize(img[:, : img.shape[1] // 2], "chi_sim", single_line=True)
    assert len(rapid._cache) == n + 1 and other != first


@needs_rapidocr
@needs_font
def test_single_line_call_on_columns_falls_back_to_detection(rapid: RapidOcrEngine) -> None:
    a, b = _line(LONG[:10], vertical=True), _line(LONG[10:20], vertical=True)
    block = np.hstack([b, np.full((a.shape[0], 40), 255, np.uint8), a])  # right column first
    lines = rapid.recognize(block, "chi_sim", single_line=True, vertical=True)
    assert len(lines) >= 2 and _cer(lines, LONG[:20]) < 0.15  # read as a single line it would be garbage
    assert lines[0].text.startswith(LONG[:5]) and lines[0].bbox.x0 > block.shape[1] // 2


@needs_rapidocr
def test_sessions_do_not_spin_and_use_the_thread_count(rapid: RapidOcrEngine) -> None:
    ocr = rapid._engine()
    for holder in (ocr.text_det.infer, ocr.text_rec.session):
        opts = holder.session.get_session_options()
        assert opts.intra_op_num_threads == 1 and opts.inter_op_num_threads == 1
        assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
