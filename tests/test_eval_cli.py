"""`layoutkit eval` end to end: readers (PAGE, ALTO, text), reports, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layoutkit.cli import main
from layoutkit.qa import evaluate
from layoutkit.qa.readers import join_lines, read

REAL = Path(__file__).resolve().parents[2] / "shared" / "real"
if not REAL.is_dir():
    REAL = Path("/work/shared/real")

GT_TEXT = ("区委常委会召开会议\n本报讯（记者 吴梦婷）昨天上午，区委常委会召开会议，传达学习党的十七届四中全会精神。\n"
           "会议指出，要深入开展社区服务行动，把为民办实事的各项工作落到实处。\n\n"
           "新建公园下月开放\n记者从市园林局获悉，位于城东的滨河公园将于下月初正式向市民开放。\n")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_exit_codes_and_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gt = tmp_path / "p.gt.txt"
    gt.write_text(GT_TEXT, encoding="utf-8")
    out = tmp_path / "p.txt"
    out.write_text(GT_TEXT.replace("社区服务", "社 区 服 务"), encoding="utf-8")  # 3 spurious spaces
    code, stdout, err = run(["eval", str(out), str(gt), "--max-cer", "0.05", "--min-intact", "1"], capsys)
    assert code == 0, err
    assert "cer\t" in stdout and "cjk_spaces\t3" in stdout
    code, _, err = run(["eval", str(out), str(gt), "--max-cjk-spaces", "0", "--max-cer", "0.001"], capsys)
    assert code == 1
    assert "threshold not met: cjk_spaces 3 > max 0" in err and "threshold not met: cer" in err
    # a metric the ground truth cannot give (no column breaks in text GT) fails its gate
    code, _, err = run(["eval", str(out), str(gt), "--min-breaks-repaired", "0.9"], capsys)
    assert code == 1 and "breaks_repaired not measured" in err


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gt = tmp_path / "p.gt.txt"
    gt.write_text(GT_TEXT, encoding="utf-8")
    code, _, err = run(["eval", str(tmp_path / "missing.txt"), str(gt)], capsys)
    assert code == 2 and "missing.txt" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(["eval", str(bad), str(gt)], capsys)
    assert code == 2 and "bad.json" in err and "not valid JSON" in err
    latin1 = tmp_path / "l1.txt"
    latin1.write_bytes("caf\xe9".encode("latin-1"))
    code, _, err = run(["eval", str(latin1), str(gt)], capsys)
    assert code == 2 and "l1.txt" in err and "UTF-8" in err
    xml = tmp_path / "x.xml"
    xml.write_text("<html><body/></html>", encoding="utf-8")
    code, _, err = run(["eval", str(xml), str(gt)], capsys)
    assert code == 2 and "x.xml" in err and "neither PAGE" in err
    code, _, err = run(["eval", str(tmp_path), str(gt)], capsys)
    assert code == 2 and "two files or two folders" in err
    code, _, _ = run(["eval", str(gt)], capsys)  # missing argument: click's usage error
    assert code == 2


def test_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gt = tmp_path / "p.gt.txt"
    gt.write_text(GT_TEXT, encoding="utf-8")
    out = tmp_path / "p.txt"
    # second article recognised badly, first perfect; order swapped
    bad = GT_TEXT.split("\n\n")[1].replace("公园", "公圆").replace("市民", "巿民")
    out.write_text(bad + "\n" + GT_TEXT.split("\n\n")[0] + "\n", encoding="utf-8")
    html_p, json_p = tmp_path / "r" / "report.html", tmp_path / "s.json"
    code, _, err = run(["eval", str(out), str(gt), "--report", str(html_p), "--json", str(json_p),
                        "--min-intact", "0.9"], capsys)
    assert code == 1
    d = json.loads(json_p.read_text(encoding="utf-8"))
    assert d["schema"] == "layoutkit-eval/1"
    assert set(d) >= {"summary", "pages", "thresholds", "failed", "alignment", "word_segmentation"}
    assert d["thresholds"] == {"min_intact": 0.9} and d["failed"]
    assert "jieba" in d["word_segmentation"]
    s = d["summary"]
    assert s["articles"] == 2 and s["reading_order"] == 0.0 and s["articles_intact"] == 1
    arts = d["pages"][0]["articles"]
    assert [a["id"] for a in arts] == ["a1", "a2"] and arts[1]["distance"] == 3
    html = html_p.read_text(encoding="utf-8")
    # worst article first, differences marked on both sides
    assert html.index("新建公园下月开放") < html.index("区委常委会召开会议 —")
    assert '<mark class="r">园</mark>' in html and '<mark class="r">圆</mark>' in html
    assert "jieba" in html and "FAILED" in html
    # JSON to stdout
    code, stdout, _ = run(["eval", str(out), str(gt), "--json", "-"], capsys)
    assert code == 0 and json.loads(stdout)["summary"]["articles"] == 2


def test_directory_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "o").mkdir()
    (tmp_path / "g").mkdir()
    for name in ("x", "y"):
        (tmp_path / "g" / f"{name}.gt.txt").write_text(GT_TEXT, encoding="utf-8")
        (tmp_path / "o" / f"{name}.txt").write_text(GT_TEXT, encoding="utf-8")
    (tmp_path / "g" / "z.gt.txt").write_text(GT_TEXT, encoding="utf-8")
    rep = tmp_path / "r.html"
    code, stdout, err = run(["eval", str(tmp_path / "o"), str(tmp_path / "g"), "--report", str(rep),
                             "--min-intact", "0.6"], capsys)
    assert code == 0, err  # 4 of 6 articles intact
    assert "pages\t3" in stdout and "no output for" in err and "z.gt.txt" in err
    assert 'href="#p-x"' in rep.read_text(encoding="utf-8")
    code, _, err = run(["eval", str(tmp_path / "o"), str(tmp_path / "g"), "--min-intact", "0.7"], capsys)
    assert code == 1


def test_join_lines() -> None:
    assert join_lines(["ufklärung iſt der Ausgang des Men-", "ſchen aus"]) == "ufklärung iſt der Ausgang des Menſchen aus"
    assert join_lines(["the well-", "Known"]) == "the well- Known"
    assert join_lines(["本报讯记者", "吴梦婷"]) == "本报讯记者吴梦婷"
    assert join_lines(["Königlich⸗", "großherzogl."]) == "Königlichgroßherzogl."


def test_page_xml_with_groups(tmp_path: Path) -> None:
    ns = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"

    def region(rid: str, kind: str, *lines: str) -> str:
        tl = "".join(f"<TextLine id='{rid}l{i}'><TextEquiv><Unicode>{t}</Unicode></TextEquiv></TextLine>"
                     for i, t in enumerate(lines))
        return f"<TextRegion id='{rid}' type='{kind}'>{tl}</TextRegion>"

    xml = (f"<PcGts xmlns='{ns}'><Page imageFilename='x.png' imageWidth='10' imageHeight='10'>"
           "<ReadingOrder><OrderedGroup id='ro'>"
           "<OrderedGroupIndexed id='g2' index='1'><RegionRefIndexed index='0' regionRef='h2'/>"
           "<RegionRefIndexed index='1' regionRef='b2'/></OrderedGroupIndexed>"
           "<OrderedGroupIndexed id='g1' index='0'><RegionRefIndexed index='0' regionRef='h1'/>"
           "<RegionRefIndexed index='1' regionRef='b1'/><RegionRefIndexed index='2' regionRef='b1b'/>"
           "</OrderedGroupIndexed></OrderedGroup></ReadingOrder>"
           + region("b2", "paragraph", "Second body line one con-", "tinues here.")
           + region("h1", "heading", "First headline")
           + region("b1", "paragraph", "First body.")
           + region("b1b", "paragraph", "First body, more.")
           + region("h2", "heading", "Second headline")
           + "</Page></PcGts>")
    p = tmp_path / "gt.xml"
    p.write_text(xml, encoding="utf-8")
    doc = read(p)
    assert doc.fmt == "page-xml"
    assert [a.text for a in doc.articles] == [
        "First headline\nFirst body.\nFirst body, more.",
        "Second headline\nSecond body line one continues here.",
    ]
    out = tmp_path / "out.txt"
    out.write_text("Second headline\nSecond body line one continues here.\n\n"
                   "First headline\nFirst body.\nFirst body, more.\n", encoding="utf-8")
    s = evaluate(out, p).summary
    assert s["cer"] == 0 and s["reading_order"] == 0.0


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_real_page_and_alto_ground_truth() -> None:
    page = read(REAL / "kant-1784" / "PAGE_0017_PAGE.xml")
    assert page.fmt == "page-xml" and len(page.articles) == 11
    assert page.articles[0].text == "Berliniſche Monatsſchrift."
    body = next(a for a in page.articles if a.id == "r_2_4")
    assert "Menſchen aus ſeiner" in body.text and "Men-" not in body.text
    alto = read(REAL / "kant-1784" / "PAGE_0017_ALTO.xml")
    assert alto.fmt == "alto" and len(alto.articles) == 11
    # the same page as PAGE and as ALTO: the same regions in the same order, nearly the
    # same text (this ALTO spaces punctuation off and keeps line-end hyphens as words)
    res = evaluate(REAL / "kant-1784" / "PAGE_0017_ALTO.xml", REAL / "kant-1784" / "PAGE_0017_PAGE.xml")
    s = res.summary
    assert s["articles_found"] == 11 and s["reading_order"] == 1.0
    assert 0 < s["cer_nows"] < 0.03 and s["cer_nows"] < s["cer"] < 0.06
    chron = read(REAL / "chronam" / "evening-star_1920-11-15_p1.alto.xml")
    text = chron.text
    assert "Association" in text and "As sociation" not in text  # HypPart1 SUBS_CONTENT used
    assert len(text) > 30000
    bnl = read(REAL / "bnl-textblocks" / "gt" / "0.xml")
    assert bnl.articles[0].text.startswith("Die Nr. 4 vom 8. Februar 1859 enthält:")


SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_generated_sample_ground_truth(lang: str) -> None:
    gt = SAMPLES / f"sample-{lang}.gt.json"
    if not gt.exists() or not (SAMPLES / f"sample-{lang}.extracted.txt").exists():
        pytest.skip("sample ground truth not generated")
    # the text format derived from the same ground truth scores perfectly
    s = evaluate(SAMPLES / f"sample-{lang}.gt.txt", gt).summary
    assert s["cer"] == 0 and s["intact"] == 1.0 and s["articles_split"] == 0 and s["articles_merged"] == 0
    assert s["breaks_repaired"] == 1.0 and s["boundaries_kept"] == 1.0
    if lang == "en":
        assert s["hyphens_total"] > 0 and s["hyphens_right"] == 1.0
    # the naive extraction: every block its own paragraph, column breaks not repaired,
    # break hyphens left in; the characters themselves are all there
    s = evaluate(SAMPLES / f"sample-{lang}.extracted.txt", gt).summary
    assert s["breaks_total"] > 0 and s["breaks_repaired"] == 0.0
    assert s["articles_split"] > 0 and s["reading_order"] == 1.0
    assert s["bag_recall"] > 0.99
    if lang == "en":
        assert s["hyphens_right"] < 0.5
    else:
        assert s["cer_nows"] == 0.0


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_real_page_against_itself_is_perfect() -> None:
    # 166 text blocks with repeated notices, one-letter blocks and near-duplicate
    # lines: regressions once made them "merged" or out of order
    f = REAL / "chronam" / "der-nordstern_1878-01-03_p1.alto.xml"
    s = evaluate(f, f).summary
    assert s["articles"] == 166 and s["cer"] == 0 and s["intact"] == 1.0
    assert s["articles_split"] == 0 and s["articles_merged"] == 0 and s["reading_order"] == 1.0


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def test_fixture_folder_in_directory_mode(tmp_path: Path) -> None:
    gts = sorted(FIXTURES.glob("*.gt.json")) if FIXTURES.is_dir() else []
    if not gts:
        pytest.skip("no generated fixture pages")
    exact, naive = tmp_path / "exact", tmp_path / "naive"
    exact.mkdir()
    naive.mkdir()
    for g in gts:
        stem = g.name[: -len(".gt.json")]
        (exact / f"{stem}.txt").write_bytes((FIXTURES / f"{stem}.gt.txt").read_bytes())
        (naive / f"{stem}.txt").write_bytes((FIXTURES / f"{stem}.extracted.txt").read_bytes())
    # the fixture folder itself is the ground truth: .gt.json preferred over
    # .gt.txt, .extracted.txt and images ignored
    res = evaluate(exact, FIXTURES)
    assert len(res.pages) == len(gts) and not res.missing_outputs
    assert all(p.gt_format == "groundtruth-json" for p in res.pages)
    s = res.summary
    assert s["cer"] == 0 and s["intact"] == 1.0 and s["reading_order"] == 1.0
    assert s["articles_split"] == 0 and s["articles_merged"] == 0
    assert s["breaks_total"] > 0 and s["breaks_repaired"] == 1.0 and s["boundaries_kept"] == 1.0
    s = evaluate(naive, FIXTURES).summary
    assert s["breaks_repaired"] < 0.05 and s["bag_recall"] > 0.99 and s["articles_split"] > 0
