"""Engines: RapidOCR on rendered crops, replay round trip, pickling, errors, `layoutkit engines`."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from layoutkit.engines import get_engine
from layoutkit.engines.auto import AutoEngine, expected_cer
from layoutkit.engines.rapidocr import RapidOcrEngine, _merge_tile_cuts, _starts, cjk_punctuation, order_lines
from layoutkit.engines.replay import RecordingEngine, ReplayEngine, call_key
from layoutkit.errors import EngineMissing
from layoutkit.model import BBox, Line, Word

HAS_RAPIDOCR = importlib.util.find_spec("rapidocr_onnxruntime") is not None
needs_rapidocr = pytest.mark.skipif(not HAS_RAPIDOCR, reason="rapidocr-onnxruntime not installed")
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
needs_font = pytest.mark.skipif(not Path(SERIF).exists(), reason="fonts-noto-cjk not installed")

ZH_LINES = ["区委常委会召开会议研究部署", "本报讯记者报道昨日上午举行"]
ZH_COLS = ["上海市商会召开会议", "各商店照常营业以免"]


def _font(size: int = 32) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(SERIF, size, index=2)


def render_horizontal(lines: list[str], size: int = 32) -> np.ndarray:
    font = _font(size)
    im = Image.new("L", (size * (max(map(len, lines)) + 2), size * (2 * len(lines) + 1)), 255)
    d = ImageDraw.Draw(im)
    for i, t in enumerate(lines):
        d.text((size, size + i * 2 * size), t, font=font, fill=0)
    return np.array(im)


def render_vertical(cols: list[str], size: int = 32) -> np.ndarray:
    """Columns right to left, each top to bottom."""
    font = _font(size)
    w, h = size * (2 * len(cols) + 1), int(size * 1.1 * max(map(len, cols))) + 2 * size
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    for c, t in enumerate(cols):
        for k, ch in enumerate(t):
            d.text((w - 2 * size * (c + 1), size + int(1.1 * size) * k), ch, font=font, fill=0)
    return np.array(im)


def cer(lines: list[Line], gt: list[str]) -> float:
    ocr = "".join("".join(ln.text.split()) for ln in lines)
    ref = "".join(gt)
    return Levenshtein.distance(ocr, ref) / len(ref)


@pytest.fixture(scope="module")
def rapid() -> RapidOcrEngine:
    return RapidOcrEngine(threads=1)


# ------------------------------------------------------------------ RapidOCR, real models
@needs_rapidocr
@needs_font
def test_rapidocr_reads_horizontal_chinese(rapid: RapidOcrEngine) -> None:
    img = render_horizontal(ZH_LINES)
    lines = rapid.recognize(img, "chi_sim")
    assert cer(lines, ZH_LINES) < 0.1
    assert [ln.text[:2] for ln in lines] == [t[:2] for t in ZH_LINES]  # top to bottom
    h, w = img.shape
    for ln in lines:
        assert 0 <= ln.bbox.x0 < ln.bbox.x1 <= w and 0 <= ln.bbox.top < ln.bbox.bottom <= h
        assert 0 <= ln.confidence <= 100
        assert len(ln.words) == len(ln.text)  # one word per CJK character
        # character boxes are left to right inside the line box
        xs = [wd.bbox.cx for wd in ln.words]
        assert xs == sorted(xs)
        assert all(ln.bbox.contains(wd.bbox) for wd in ln.words)


@needs_rapidocr
@needs_font
def test_rapidocr_reads_vertical_columns_right_to_left(rapid: RapidOcrEngine) -> None:
    img = render_vertical(ZH_COLS)
    lines = rapid.recognize(img, "chi_sim", vertical=True)
    assert cer(lines, ZH_COLS) < 0.15
    assert lines[0].bbox.cx > lines[-1].bbox.cx  # first column is the rightmost
    ys = [wd.bbox.cy for wd in lines[0].words]
    assert ys == sorted(ys)  # characters top to bottom
    assert lines[0].bbox.height > 3 * lines[0].bbox.width


@needs_rapidocr
@needs_font
def test_rapidocr_tiles_large_images_without_duplicates(rapid: RapidOcrEngine) -> None:
    """A line crossing a tile edge is merged back: no characters twice."""
    img = render_horizontal(ZH_LINES, size=40)
    small = RapidOcrEngine(threads=1, det_tile=256, det_overlap=64)
    lines = small.recognize(img, "chi_sim")
    assert cer(lines, ZH_LINES) < 0.2
    assert len(lines) == len(ZH_LINES)


@needs_rapidocr
@needs_font
def test_rapidocr_single_line(rapid: RapidOcrEngine) -> None:
    img = render_horizontal(ZH_LINES[:1])
    lines = rapid.recognize(img, "chi_sim", single_line=True)
    assert len(lines) == 1
    assert cer(lines, ZH_LINES[:1]) < 0.1
    assert rapid.recognize(np.zeros((0, 0), np.uint8), "chi_sim") == []


@needs_rapidocr
def test_rapidocr_blank_image_gives_no_lines(rapid: RapidOcrEngine) -> None:
    assert rapid.recognize(np.full((200, 300), 255, np.uint8), "chi_sim") == []


@needs_rapidocr
def test_rapidocr_pickles_without_sessions(rapid: RapidOcrEngine) -> None:
    rapid._engine()
    clone = pickle.loads(pickle.dumps(rapid))
    assert clone._ocr is None and clone.threads == 1
    assert "PP-OCRv4" in clone.version()
    assert {"chi_sim", "eng"} <= set(clone.languages())
    assert isinstance(get_engine("rapidocr", threads=2), RapidOcrEngine)


@needs_rapidocr
@needs_font
@pytest.mark.tesseract
def test_auto_picks_rapidocr_for_vertical_chinese() -> None:
    auto = AutoEngine(threads=1)
    img = render_vertical(ZH_COLS)
    lines = auto.recognize(img, "chi_sim", vertical=True)
    assert auto.last_choice == "rapidocr"
    assert cer(lines, ZH_COLS) < 0.15
    clone = pickle.loads(pickle.dumps(auto))
    assert clone.rapidocr._ocr is None and clone.last_choice == ""


def test_missing_engine_message_names_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("rapidocr_onnxruntime"):
            raise ImportError("No module named 'rapidocr_onnxruntime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    eng = RapidOcrEngine()
    with pytest.raises(EngineMissing, match=r"pip install 'layoutkit\[rapidocr\]'"):
        eng.version()
    with pytest.raises(EngineMissing, match="rapidocr"):
        eng.recognize(np.full((50, 50), 255, np.uint8), "chi_sim")
    assert EngineMissing.exit_code == 5


# ------------------------------------------------------------------ pure helpers
def test_tile_starts_cover_the_image() -> None:
    assert _starts(1000, 1600, 160) == [0]
    s = _starts(4000, 1600, 160)
    assert s[0] == 0 and s[-1] == 2400
    assert all(b - a <= 1600 - 160 for a, b in zip(s, s[1:], strict=False))


def test_merge_tile_cuts_joins_a_line_cut_by_a_tile_edge() -> None:
    def quad(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)

    pieces = [quad(10, 100, 1600, 130), quad(1440, 101, 2500, 131), quad(10, 140, 1600, 170)]
    merged = _merge_tile_cuts(pieces, [0, 1, 0])
    assert len(merged) == 2
    widths = sorted(float(np.ptp(q[:, 0])) for q in merged)
    assert widths[-1] >= 2480  # the two halves became one line
    # two distinct lines from the same tile are never merged
    assert len(_merge_tile_cuts(pieces, [0, 0, 0])) == 3


def test_cjk_punctuation_only_next_to_cjk() -> None:
    assert "".join(cjk_punctuation(list("据了解,今年(记者)"))) == "据了解，今年（记者）"
    assert "".join(cjk_punctuation(list("12,000 (AP)"))) == "12,000 (AP)"


def _line(text: str, box: tuple[int, int, int, int]) -> Line:
    b = BBox(*box)
    return Line(text, b, tuple(Word(c, b, 90.0) for c in text), 90.0)


def test_order_lines_vertical_right_to_left_and_rows() -> None:
    cols = [_line("左列字", (10, 0, 40, 200)), _line("右列字", (100, 0, 130, 200)), _line("右下", (100, 210, 130, 300))]
    assert [ln.text for ln in order_lines(cols)] == ["右列字", "右下", "左列字"]
    rows = [_line("second", (0, 50, 200, 80)), _line("first", (0, 0, 200, 30)), _line("b", (300, 52, 350, 78))]
    assert [ln.text for ln in order_lines(rows)] == ["first", "second", "b"]


def test_expected_cer_ranks_engines() -> None:
    assert expected_cer("tesseract", 96) < expected_cer("rapidocr", 99)  # sure Tesseract wins
    assert expected_cer("rapidocr", 99) < expected_cer("tesseract", 88)
    assert expected_cer("rapidocr", 98, cjk=True) < expected_cer("tesseract", 92, cjk=True)
    assert expected_cer("tesseract", -1) == 0.5


# ------------------------------------------------------------------ replay
class _FixedEngine:
    """A tiny real engine: one line per dark row band (so recordings differ per image)."""

    name = "fixed"

    def version(self) -> str:
        return "1"

    def languages(self) -> list[str]:
        return ["chi_sim"]

    def recognize(self, image: np.ndarray, languages: str, timeout: float = 0.0, *,
                  vertical: bool = False, single_line: bool = False) -> list[Line]:
        rows = np.nonzero((image < 128).any(axis=1))[0]
        if rows.size == 0:
            return []
        b = BBox(0, int(rows[0]), image.shape[1], int(rows[-1]) + 1)
        return [Line("长江大桥 ok", b, (Word("长", b, 97.25), Word("ok", b, 61.5)), 79.375)]


def test_replay_round_trip(tmp_path: Path) -> None:
    img = np.full((40, 60), 255, np.uint8)
    img[10:20, 5:50] = 0
    path = tmp_path / "rec.json"
    rec = RecordingEngine(_FixedEngine(), path)
    recorded = rec.recognize(img, "chi_sim", vertical=True)
    other = rec.recognize(img[5:], "chi_sim")
    replay = ReplayEngine(path)
    assert replay.recognize(img, "chi_sim", vertical=True) == recorded
    assert replay.recognize(img[5:], "chi_sim") == other
    assert recorded != other
    assert "fixed 1" in replay.version()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema"] == "layoutkit-replay/1" and len(data["calls"]) == 2
    # flags are part of the key: an unrecorded call fails loudly
    with pytest.raises(EngineMissing, match="rec.json"):
        replay.recognize(img, "chi_sim", vertical=False)
    assert call_key(img, "chi_sim", True, False) != call_key(img, "chi_sim", False, False)
    clone = pickle.loads(pickle.dumps(replay))
    assert clone.recognize(img, "chi_sim", vertical=True) == recorded
    assert isinstance(get_engine(f"replay:{path}"), ReplayEngine)


@needs_rapidocr
@needs_font
def test_replay_of_real_rapidocr_is_identical(tmp_path: Path, rapid: RapidOcrEngine) -> None:
    img = render_horizontal(ZH_LINES)
    path = tmp_path / "rapid.json"
    recorded = RecordingEngine(rapid, path).recognize(img, "chi_sim")
    assert recorded and ReplayEngine(path).recognize(img, "chi_sim") == recorded


def test_replay_missing_file(tmp_path: Path) -> None:
    from layoutkit.errors import InputNotFound

    with pytest.raises(InputNotFound, match="RecordingEngine"):
        ReplayEngine(tmp_path / "none.json").recognize(np.zeros((4, 4), np.uint8), "eng")


# ------------------------------------------------------------------ CLI
def test_engines_command_lists_engines_and_json() -> None:
    from layoutkit.cli import cli

    runner = CliRunner()
    res = runner.invoke(cli, ["engines", "--json"])
    assert res.exit_code == 0, res.output
    facts = {e["name"]: e for e in json.loads(res.output)["engines"]}
    assert set(facts) == {"tesseract", "rapidocr", "auto"}
    assert facts["rapidocr"]["available"] is HAS_RAPIDOCR
    if not HAS_RAPIDOCR:
        assert "pip install 'layoutkit[rapidocr]'" in facts["rapidocr"]["install"]
    else:
        assert "chi_sim" in facts["rapidocr"]["languages"]
    for f in facts.values():  # every missing language comes with an install command
        if f["missing"]:
            assert f["install"] and f["install"][0].startswith("apt-get install tesseract-ocr-")
    text = runner.invoke(cli, ["engines"])
    assert text.exit_code == 0
    assert "rapidocr" in text.output and "tesseract" in text.output
