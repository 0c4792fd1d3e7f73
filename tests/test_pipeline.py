"""End to end: preprocess, layout, recognition, articles on rendered pages."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from layoutkit.layout import analyze
from layoutkit.model import BBox, BlockKind, Word
from layoutkit.preprocess import deskew_image, estimate_skew, preprocess
from layoutkit.sources import load_pages
from layoutkit.textutil import join_words_at_gaps

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "sample-zh.png"


@pytest.fixture(scope="module")
def sample_layout():
    page = next(load_pages(SAMPLE))
    prep = preprocess(page.image, page.dpi, dpi_known=page.dpi_known)
    return prep, analyze(prep)


def test_sample_layout_columns_headlines_photos(sample_layout) -> None:
    prep, lay = sample_layout
    gt = json.loads((ROOT / "samples" / "sample-zh.gt.json").read_text())
    assert len(lay.columns) == gt["pages"][0]["columns"]
    kinds = [r.kind for r in lay.regions]
    assert kinds.count(BlockKind.PHOTO) == 2
    assert kinds[0] == BlockKind.HEADER
    headlines = [r for r in lay.regions if r.kind == BlockKind.HEADLINE]
    # every article of the sample has a headline; none is cut into pieces at a gutter
    assert len(headlines) == len(gt["articles"])
    # a headline comes before the body columns beneath it in reading order
    first_body = next(i for i, r in enumerate(lay.regions) if r.kind == BlockKind.BODY)
    assert lay.regions.index(headlines[0]) < first_body


def test_deskew_recovers_a_known_angle(sample_layout) -> None:
    prep, _ = sample_layout
    crop = prep.gray[200:1400, 100:1300]
    tilted = deskew_image(crop, 1.5)
    from layoutkit.preprocess import binarize

    found = estimate_skew(binarize(tilted))
    assert abs(found + 1.5) < 0.2


def test_printed_space_and_punctuation_width() -> None:
    def w(t: str, x0: int, x1: int) -> Word:
        return Word(t, BBox(x0, 0, x1, 30))

    # engine boxes are rough; the measured gaps decide
    words = [w("记", 0, 30), w("者", 30, 60), w("吴", 70, 100), w("梦", 100, 130)]
    assert join_words_at_gaps(words, [(62, 80)], 30) == "记者 吴梦"
    assert join_words_at_gaps(words, [], 30) == "记者吴梦"
    words = [w("议", 0, 30), w(",", 30, 40), w("传", 55, 85)]
    assert join_words_at_gaps(words, [(36, 60)], 30) == "议，传"  # a full em cell: printed full-width
    assert join_words_at_gaps(words, [], 30) == "议,传"          # narrow: printed half-width


@pytest.mark.tesseract
def test_sample_page_articles_whole_and_accurate(tmp_path: Path) -> None:
    """Issue floor: every article of expected.txt in one contiguous block, CER under 3%."""
    from layoutkit.qa import evaluate

    out = tmp_path / "sample-zh.txt"
    r = subprocess.run([sys.executable, "-m", "layoutkit", "convert", str(SAMPLE), "-o", str(tmp_path)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    s = evaluate(out, ROOT / "samples" / "sample-zh.gt.txt").summary
    assert s["articles"] == 6
    assert s["intact"] == 1.0
    assert s["articles_split"] == 0 and s["articles_merged"] == 0
    assert s["reading_order"] == 1.0
    assert s["cer"] < 0.03
    text = out.read_text(encoding="utf-8")
    assert "\n\n\n" not in text and text.endswith("\n")
    mode = stat.S_IMODE(os.stat(out).st_mode)
    assert mode & 0o044, "outputs are readable like any file the user writes"


@pytest.mark.tesseract
def test_convert_json_validates_against_the_shipped_schema(tmp_path: Path) -> None:
    import jsonschema

    import layoutkit

    page = ROOT / "fixtures" / "pages" / "en-3col-lowres-s2.png"
    r = subprocess.run([sys.executable, "-m", "layoutkit", "convert", str(page), "-f", "json", "--lang", "eng"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    schema = json.loads((Path(layoutkit.__file__).parent / "schema" / "document.schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["pages"][0]["path"] == "ocr"
    assert {"preprocess", "layout", "recognize"} <= set(doc["pages"][0]["timings"])
    kinds = {b["kind"] for b in doc["pages"][0]["blocks"]}
    assert {"headline", "body"} <= kinds
    # every block of an article is on the page, in reading order
    order = {b["id"]: b["order"] for b in doc["pages"][0]["blocks"]}
    for art in doc["articles"]:
        pos = [order[b] for b in art["blocks"]]
        assert pos == sorted(pos)


def test_empty_page_gives_no_articles(tmp_path: Path) -> None:
    from PIL import Image

    from layoutkit.pipeline import process_page_image
    from layoutkit.sources import PageImage

    class Never:
        name = "never"

        def version(self) -> str:
            return "0"

        def languages(self) -> list[str]:
            return []

        def recognize(self, *a: object, **k: object) -> list:
            raise AssertionError("a blank page has nothing to read")

    blank = np.full((1200, 900), 250, np.uint8)
    Image.fromarray(blank).save(tmp_path / "blank.png")
    from layoutkit.options import ConvertOptions

    page = process_page_image(PageImage(1, blank, 300), ConvertOptions(), Never())
    assert page.status.value == "empty" and page.blocks == ()
