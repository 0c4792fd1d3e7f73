"""Text-only repair: the seed page, encodings, CLI, options, spacing, joins."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from layoutkit.errors import BadInput
from layoutkit.model import JoinKind
from layoutkit.options import RepairOptions
from layoutkit.textrepair import TextRepairOptions, check_nothing_dropped, decode, repair_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed"
seed_only = pytest.mark.skipif(not (SEED / "expected.txt").is_file(), reason="../shared/seed not present")


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "layoutkit", "repair", *args], input=stdin,
                          capture_output=True, env=env, timeout=120, check=False)


@seed_only
def test_seed_page_repaired_exactly(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    js = tmp_path / "joins.json"
    r = _cli(str(SEED / "000_24a69f92f399e6af.txt"), "-o", str(out), "--json", str(js))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (SEED / "expected.txt").read_bytes()
    joins = json.loads(js.read_text("utf-8"))["joins"]
    cols = [j for j in joins if j["kind"] == "column"]
    assert cols and all(j["left"] and j["right"] and j["reason"] for j in cols)
    assert all(j["left_ref"].startswith("line:") for j in joins)


@seed_only
def test_seed_stdout_and_stdin() -> None:
    data = (SEED / "000_24a69f92f399e6af.txt").read_bytes()
    r = _cli("-", stdin=data)
    assert r.returncode == 0
    assert r.stdout == (SEED / "expected.txt").read_bytes()


@seed_only
def test_seed_nothing_dropped_and_idempotent() -> None:
    src = (SEED / "000_24a69f92f399e6af.txt").read_text("utf-8")
    res = repair_text(src)
    assert check_nothing_dropped(src, res) == ""
    expected = (SEED / "expected.txt").read_text("utf-8")
    assert repair_text(expected).text == expected  # the text format is a fixed point


@seed_only
def test_no_join_columns_keeps_every_block() -> None:
    src = (SEED / "000_24a69f92f399e6af.txt").read_text("utf-8")
    res = repair_text(src, RepairOptions(join_columns=False))
    assert not [j for j in res.joins if j.kind == JoinKind.COLUMN]
    assert "会议听取了常州市武进区第\n十七届" in res.text


def test_gb18030_needs_encoding_flag(tmp_path: Path) -> None:
    p = tmp_path / "gbk.txt"
    p.write_bytes("标题新闻\n\n本报讯 今天天气很好。\n".encode("gb18030"))
    r = _cli(str(p))
    assert r.returncode == 4
    err = r.stderr.decode()
    assert "--encoding gb18030" in err and "big5" in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    r = _cli(str(p), "--encoding", "gb18030")
    assert r.returncode == 0
    assert r.stdout.decode("utf-8") == "标题新闻\n本报讯 今天天气很好。\n"


def test_big5_decodes() -> None:
    assert decode("臺灣新聞".encode("big5"), "big5") == "臺灣新聞"
    with pytest.raises(BadInput):
        decode(b"\xff\xfe\xfa", "")
    with pytest.raises(BadInput):
        decode(b"abc", "no-such-codec")


def test_missing_file_exit_3(tmp_path: Path) -> None:
    r = _cli(str(tmp_path / "nope.txt"))
    assert r.returncode == 3 and b"nope.txt" in r.stderr


def test_ocr_spaces_removed_and_listed_printed_space_kept() -> None:
    src = "区 委 常 委 会 召 开 会 议\n\n本 报 讯 (记者  吴梦婷) 区 委 常 委 会 召 开 会 议 , 传 达 学 习 近 期 重 要\n\n讲 话 精 神 。\n"
    res = repair_text(src)
    assert res.text == "区委常委会召开会议\n本报讯(记者  吴梦婷)区委常委会召开会议,传达学习近期重要讲话精神。\n"
    spaces = [j for j in res.joins if j.kind == JoinKind.SPACE]
    assert len(spaces) == src.count(" ") - 2  # all but the printed double space
    assert check_nothing_dropped(src, res) == ""


def test_few_printed_spaces_in_normal_text_kept() -> None:
    src = "活动以“融势聚力 共建繁荣”为主题,图为项目航拍。 陆新 徐芊卉 摄\n"
    assert repair_text(src).text == src
    assert repair_text(src, RepairOptions(remove_cjk_spaces=False)).text == src


def test_english_wrapped_lines_dateline_and_hyphens() -> None:
    src = (
        "Storm Cuts Power to Thousands\n\n"
        "LONDON (Reuters) — A powerful storm swept across the south on Monday, leaving\n"
        "thousands of homes without electricity. The weather service said the well-\n"
        "known coastal town of Dover recorded record gusts, and the recon-\n"
        "struction of the pier would have to wait.\n\n"
        "Engineers worked through the night to restore power to the\n\n"
        "region, officials said.\n"
    )
    res = repair_text(src)
    assert res.text == (
        "Storm Cuts Power to Thousands\n"
        "LONDON (Reuters) — A powerful storm swept across the south on Monday, leaving thousands of homes "
        "without electricity. The weather service said the well-known coastal town of Dover recorded record "
        "gusts, and the reconstruction of the pier would have to wait.\n"
        "Engineers worked through the night to restore power to the region, officials said.\n"
    )
    hy = [j for j in res.joins if j.kind == JoinKind.HYPHEN]
    assert sorted(j.removed for j in hy) == ["", "-"]
    assert check_nothing_dropped(src, res) == ""
    kept = repair_text(src, RepairOptions(dehyphenate=False)).text
    assert "recon-struction" in kept


def test_article_gap_and_byline() -> None:
    src = ("Library Reopens\n\nBy Daniel Hughes\n\nThe central library reopened on Saturday.\n\n\n\n"
           "Market Report\n\nPrices rose again in the\n\nmorning session.\n")
    res = repair_text(src)
    assert [a.headline for a in res.articles] == ["Library Reopens", "Market Report"]
    assert res.articles[0].paragraphs[0].kind.value == "byline"
    assert res.articles[1].paragraphs[0].text == "Prices rose again in the morning session."


def test_form_feed_is_a_page_join() -> None:
    src = "重要新闻标题\n\n本报讯 今年全市粮食总产量再创新高,达到一百二十万吨,比上年增长\f\n百分之三。\n"
    res = repair_text(src)
    assert [j.kind for j in res.joins] == [JoinKind.PAGE]
    assert res.text.endswith("比上年增长百分之三。\n")
    assert repair_text(src, RepairOptions(join_pages=False)).text.count("\n") == 3


def test_no_headlines_option() -> None:
    src = "区委常委会召开会议\n\n本报讯(记者 吴梦婷)会议召开。\n"
    res = repair_text(src, TextRepairOptions(headlines=False))
    assert res.articles[0].headline == ""
    assert res.text == "区委常委会召开会议\n本报讯(记者 吴梦婷)会议召开。\n"


def test_sentence_end_and_forbidden_start() -> None:
    # a quotation closing at the start of the next column belongs to the paragraph
    src = "标题在这里\n\n本报讯 他说:“我们会继续努力。\n\n”会议随后结束。\n\n第二段从这里开始。\n"
    res = repair_text(src)
    assert res.text == "标题在这里\n本报讯 他说:“我们会继续努力。”会议随后结束。\n第二段从这里开始。\n"


def test_empty_input() -> None:
    assert repair_text("").text == ""
    assert repair_text("\n\n  \n").articles == ()
