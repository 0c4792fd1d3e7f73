"""Tests of the synthetic page generator (layoutkit.synth): determinism, ground-truth
consistency, typesetting rules, the sample page."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from layoutkit.synth import PageSpec, generate_page, gt_text, write_fixture
from layoutkit.synth.fixtures import sample_spec_zh
from layoutkit.synth.layout import compose_page
from layoutkit.synth.typeset import NO_START
from layoutkit.textutil import is_cjk_char

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT.parent / "shared" / "seed" / "expected.txt"


def small(lang: str, cols: int = 3, width: int = 1300, **kw) -> PageSpec:
    return PageSpec(language=lang, columns=cols, width=width, target_height=1500, **kw)


@pytest.fixture(scope="module")
def pages() -> dict[str, object]:
    return {lang: generate_page(small(lang), 5) for lang in ("zh", "en")}


def test_same_seed_same_bytes_and_gt() -> None:
    a = generate_page(small("zh"), 7, "noise")
    b = generate_page(small("zh"), 7, "noise")
    assert a.image.tobytes() == b.image.tobytes()
    assert json.dumps(a.gt, sort_keys=True) == json.dumps(b.gt, sort_keys=True)
    assert a.extracted == b.extracted
    c = generate_page(small("zh"), 8, "noise")
    assert c.image.tobytes() != a.image.tobytes()


def test_written_gt_text_matches_json(tmp_path: Path, pages: dict) -> None:
    for lang, page in pages.items():
        write_fixture(page, tmp_path, f"{lang}-t")
        gt = json.loads((tmp_path / f"{lang}-t.gt.json").read_text("utf-8"))
        assert (tmp_path / f"{lang}-t.gt.txt").read_text("utf-8") == gt_text(gt)
        assert gt["source"] == f"{lang}-t.png"
        assert (tmp_path / f"{lang}-t.png").stat().st_size > 1000


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_plan_shows_every_paragraph_in_order(lang: str, pages: dict) -> None:
    page = pages[lang]
    for art in page.gt["articles"]:
        lines = [t.text for t in page.plan.texts if t.article == art["id"] and t.kind in ("body", "byline")]
        printed = "".join(lines).replace(" ", "")
        assert printed == "".join(art["paragraphs"]).replace(" ", ""), art["id"]
        heads = [t for t in page.plan.texts if t.article == art["id"] and t.kind == "headline"]
        assert bool(heads) == bool(art["headline"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_extracted_text_has_all_characters(lang: str, pages: dict) -> None:
    page = pages[lang]
    want = Counter(c for c in gt_text(page.gt) if not c.isspace())
    have = Counter(c for c in page.extracted if not c.isspace())
    assert not (want - have), want - have
    # a column break inside a paragraph shows up as a blank line in the extracted text
    n_breaks = sum(len(a["column_breaks"]) for a in page.gt["articles"])
    assert page.extracted.count("\n\n") >= n_breaks + sum(len(a["paragraphs"]) for a in page.gt["articles"]) - 1


def test_no_cjk_line_starts_with_closing_punctuation() -> None:
    for seed in range(3):
        plan, _, _ = compose_page(small("zh", 4, width=1500), seed)
        body = [t for t in plan.texts if t.kind == "body"]
        assert body
        for t in body:
            assert t.text[0] not in NO_START, t.text


def test_column_breaks_and_hyphens_point_into_paragraphs() -> None:
    kinds: Counter[str] = Counter()
    n_breaks = 0
    for seed in range(4):
        _, gt_page, _ = compose_page(small("en", 4, width=1500), seed)
        for art in gt_page["articles"]:
            paras = art["paragraphs"]
            for br in art["column_breaks"]:
                p = paras[br["paragraph"]]
                assert 0 < br["offset"] < len(p)
                n_breaks += 1
            for h in art["hyphens"]:
                p = paras[h["paragraph"]]
                kinds[h["kind"]] += 1
                if h["kind"] == "compound":
                    assert p[h["offset"] - 1] == "-" and "-" in h["word"]
                else:
                    assert p[h["offset"] - 1].isalpha() and p[h["offset"]].isalpha()
                    assert h["word"].replace("-", "") == h["word"]
    assert n_breaks > 0
    assert kinds["break"] > 5 and kinds["compound"] > 0


def test_lowres_scales_regions_and_skew_records_angle() -> None:
    clean = generate_page(small("zh"), 3, "clean")
    low = generate_page(small("zh"), 3, "lowres")
    assert low.dpi == 200 and low.gt["pages"][0]["dpi"] == 200
    assert abs(low.image.shape[1] - clean.image.shape[1] * 2 / 3) <= 1
    r0 = clean.gt["pages"][0]["regions"][0]["bbox"]
    r1 = low.gt["pages"][0]["regions"][0]["bbox"]
    assert all(abs(b - a * 2 / 3) <= 1 for a, b in zip(r0, r1))
    sk = generate_page(small("zh"), 3, "skew")
    assert 0.5 <= abs(sk.gt["pages"][0]["skew"]) <= 2.0
    assert not np.array_equal(sk.image, clean.image)


@pytest.mark.skipif(not EXPECTED.is_file(), reason="../shared/seed/expected.txt not present")
def test_sample_ground_truth_is_expected_text() -> None:
    _, gt_page, _ = compose_page(sample_spec_zh(EXPECTED), 3)
    gt = {"articles": gt_page["articles"]}
    assert gt_text(gt) == EXPECTED.read_text("utf-8")
    committed = ROOT / "samples" / "sample-zh.gt.txt"
    assert committed.read_text("utf-8") == EXPECTED.read_text("utf-8")


def test_committed_fixtures_are_consistent() -> None:
    files = sorted((ROOT / "fixtures" / "pages").glob("*.gt.json"))
    assert len(files) >= 8
    langs, degs = set(), set()
    for f in files:
        gt = json.loads(f.read_text("utf-8"))
        assert f.with_name(f.name.replace(".gt.json", ".gt.txt")).read_text("utf-8") == gt_text(gt)
        assert (f.parent / gt["source"]).is_file()
        langs.add(gt["language"])
        degs.add(gt["pages"][0]["degradation"])
        assert any(is_cjk_char(c) for c in gt_text(gt)) == (gt["language"] == "zh")
    assert langs == {"zh", "en"} and len(degs) >= 7


def test_committed_born_digital_pdfs_carry_the_text() -> None:
    import pdfplumber

    files = sorted((ROOT / "fixtures" / "pdf").glob("*.pdf"))
    assert len(files) >= 4
    for f in files:
        gt = json.loads((f.parent / (f.stem + ".gt.json")).read_text("utf-8"))
        assert gt["pages"][0]["pdf_kind"] == "born-digital"
        with pdfplumber.open(f) as pdf:
            text = "".join(c["text"] for page in pdf.pages for c in page.chars)
            assert abs(pdf.pages[0].width * 300 / 72 - gt["pages"][0]["width"]) < 2
        want = Counter(c for c in gt_text(gt) if not c.isspace())
        have = Counter(c for c in text if not c.isspace())
        assert not (want - have), (f.name, want - have)


def test_jump_documents_hold_one_article_over_two_pages() -> None:
    from PIL import Image

    files = sorted((ROOT / "fixtures" / "docs").glob("*.gt.json"))
    assert {json.loads(f.read_text("utf-8"))["language"] for f in files} == {"zh", "en"}
    for f in files:
        gt = json.loads(f.read_text("utf-8"))
        with Image.open(f.parent / gt["source"]) as im:
            assert im.n_frames == 2
        assert (f.parent / gt["also"][0]).is_file()
        cont = [a for a in gt["articles"] if a["pages"] == [1, 2]]
        assert len(cont) == 1 and len(cont[0]["jumps"]) == 2
        page_breaks = [b for b in cont[0]["column_breaks"] if b["kind"] == "page"]
        assert len(page_breaks) == 1
        pb = page_breaks[0]
        assert 0 < pb["offset"] < len(cont[0]["paragraphs"][pb["paragraph"]])
        assert all(j not in gt_text(gt) for j in cont[0]["jumps"])
        regions = {r["article"] for p in gt["pages"] for r in p["regions"] if r["kind"] == "jump"}
        assert regions == {cont[0]["id"]}
