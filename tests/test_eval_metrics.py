"""Hand-made cases for the eval metrics, with answers worked out by hand.

Texts are short and built so the right figures can be counted: distinct
line contents, no accidental repeats, lengths that make the sums easy.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from layoutkit.qa import evaluate
from layoutkit.qa.distance import AnchorIndex, distance, find_stretch, infix_align
from layoutkit.qa.graphemes import GraphemeCodec, clusters
from layoutkit.qa.metrics import evaluate_docs
from layoutkit.qa.readers import read, read_text

# Chinese articles: each paragraph distinct; paragraph 2 of A continues in the
# next column at offset 12 (a column break inside the paragraph).
A_HEAD = "区委常委会召开会议"
A_P1 = "本报讯（记者 吴梦婷）昨天上午，区委常委会召开会议，传达学习党的十七届四中全会精神。"
A_P2 = "会议指出，要深入开展社区服务行动，把为民办实事的各项工作落到实处，让群众满意。"
A_P3 = "与会人员表示，将以更加饱满的热情投入到年度目标任务之中。"
B_HEAD = "新建公园下月开放"
B_P1 = "记者从市园林局获悉，位于城东的滨河公园将于下月初正式向市民开放，占地约二十公顷。"
B_P2 = "公园内设有步行道、儿童乐园和观景平台，周边交通配套设施也已基本完工。"
C_HEAD = "春季运动会圆满落幕"
C_P1 = "为期三天的全市中学生春季运动会昨日闭幕，共有四十二所学校的选手参加比赛。"

BREAK_A = 12  # offset in A_P2 where the next column starts
BREAK_B = 20  # offset in B_P1


def gt_json(tmp: Path, name: str = "page") -> Path:
    d = {
        "schema": "layoutkit-groundtruth/1",
        "source": f"{name}.png",
        "language": "zh",
        "pages": [],
        "articles": [
            {"id": "a1", "headline": A_HEAD, "paragraphs": [A_P1, A_P2, A_P3], "captions": [],
             "pages": [1], "column_breaks": [{"paragraph": 1, "offset": BREAK_A, "kind": "column"}]},
            {"id": "a2", "headline": B_HEAD, "paragraphs": [B_P1, B_P2], "captions": [], "pages": [1],
             "column_breaks": [{"paragraph": 0, "offset": BREAK_B, "kind": "column"}]},
            {"id": "a3", "headline": C_HEAD, "paragraphs": [C_P1], "pages": [1], "column_breaks": []},
        ],
    }
    p = tmp / f"{name}.gt.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return p


def art(*lines: str) -> str:
    return "\n".join(lines)


def write(tmp: Path, name: str, *articles: str) -> Path:
    p = tmp / name
    p.write_text("\n\n".join(articles) + "\n", encoding="utf-8")
    return p


A = art(A_HEAD, A_P1, A_P2, A_P3)
B = art(B_HEAD, B_P1, B_P2)
C = art(C_HEAD, C_P1)
LEN_A = len(A)  # all single-code-point characters: graphemes == code points
LEN_B = len(B)


def by_id(res):
    return {a.id: a for a in res.pages[0].articles}


def test_perfect_output(tmp_path: Path) -> None:
    res = evaluate(write(tmp_path, "page.txt", A, B, C), gt_json(tmp_path))
    s = res.summary
    assert s["cer"] == 0 and s["cer_nows"] == 0 and s["wer"] == 0 and s["page_cer"] == 0
    assert s["intact"] == 1.0 and s["articles_intact"] == 3
    assert s["reading_order"] == 1.0
    assert s["breaks_total"] == 2 and s["breaks_repaired"] == 1.0
    # boundaries: A has 3 (headline|p1, p1|p2, p2|p3), B 2, C 1
    assert s["boundaries_total"] == 6 and s["boundaries_kept"] == 1.0
    assert s["bag_recall"] == 1.0 and s["cjk_spaces"] == 0
    assert s["articles_split"] == 0 and s["articles_merged"] == 0 and s["articles_missing"] == 0
    assert s["unmatched_output"] == 0


def test_swapped_articles_cost_nothing_but_order(tmp_path: Path) -> None:
    res = evaluate(write(tmp_path, "page.txt", C, B, A), gt_json(tmp_path))
    s = res.summary
    assert s["cer"] == 0 and s["intact"] == 1.0 and s["breaks_repaired"] == 1.0
    # all three pairs reversed
    assert s["reading_order"] == 0.0
    assert s["page_cer"] > 0.3  # the order-sensitive page figure does pay
    # a partial swap: order C, A, B -> pairs (A,B) right, (A,C) and (B,C) wrong
    res2 = evaluate(write(tmp_path, "page2.txt", C, A, B), gt_json(tmp_path))
    assert res2.summary["reading_order"] == pytest.approx(1 / 3, abs=1e-6)


def test_interleaved_columns_heavy_penalty(tmp_path: Path) -> None:
    # Two articles of four 20-character lines each, read across the columns.
    xs = ["甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉", "天地玄黄宇宙洪荒日月盈昃辰宿列张寒来暑往",
          "秋收冬藏闰余成岁律吕调阳云腾致雨露结为霜", "金生丽水玉出昆冈剑号巨阙珠称夜光果珍李柰"]
    ys = ["一二三四五六七八九十百千万亿兆京垓秭穰沟", "东南西北上下左右前后内外高低长短大小多少",
          "春夏冬晴阴风雪雷电霞虹星辰山川河湖海江溪", "赤橙绿青蓝紫黑白灰褐粉棕银铜铁锡铅汞钾钠"]
    assert all(len(x) == 20 for x in xs + ys)
    gt = read_text(art("HA", "".join(xs)) + "\n\n" + art("HB", "".join(ys)) + "\n")
    out = read_text("HA\n" + "".join(x + y for x, y in zip(xs, ys, strict=True)) + "\n\nHB\n")
    res = evaluate_docs(out, gt)
    a, b = res.articles
    # Any stretch holding t consecutive x-lines has t-1 y-lines inside and
    # misses 4-t x-lines: 20*(t-1) + 20*(4-t) = 60 edits, whatever t.
    assert a.distance == 60 and a.gt_chars == 83
    assert a.cer == pytest.approx(60 / 83)
    assert b.distance >= 60
    assert res.summary["intact"] == 0.0 and res.summary["intact_nows"] == 0.0
    assert res.summary["cer"] > 0.7


def test_dropped_paragraph(tmp_path: Path) -> None:
    res = evaluate(write(tmp_path, "page.txt", art(A_HEAD, A_P1, A_P3), B, C), gt_json(tmp_path))
    a = by_id(res)["a1"]
    assert a.distance == len(A_P2) + 1  # the paragraph and one line break
    assert a.cer == pytest.approx((len(A_P2) + 1) / LEN_A)
    assert not a.intact and a.found
    # the two boundaries around the lost paragraph are not there; headline|p1 is
    assert (a.boundaries_total, a.boundaries_kept) == (3, 1)
    # the break inside the lost paragraph is not repaired
    assert (a.breaks_total, a.breaks_repaired) == (1, 0)
    # non-space characters of A: all but 3 line breaks and the printed space after 记者
    assert a.bag_recall == pytest.approx(1 - len(A_P2) / (LEN_A - 4))
    assert by_id(res)["a2"].cer == 0


def test_unrepaired_column_breaks(tmp_path: Path) -> None:
    a_cut = art(A_HEAD, A_P1, A_P2[:BREAK_A], A_P2[BREAK_A:], A_P3)
    b_cut = art(B_HEAD, B_P1[:BREAK_B], B_P1[BREAK_B:], B_P2)
    res = evaluate(write(tmp_path, "page.txt", a_cut, b_cut, C), gt_json(tmp_path))
    s = res.summary
    assert s["breaks_total"] == 2 and s["breaks_repaired"] == 0.0
    assert s["boundaries_kept"] == 1.0
    arts = by_id(res)
    assert arts["a1"].distance == 1 and arts["a2"].distance == 1  # one extra line break each
    assert s["cer_nows"] == 0.0 and s["intact"] == 1.0
    # cut by a blank line: the output made two articles of one
    res2 = evaluate(write(tmp_path, "page2.txt", art(A_HEAD, A_P1, A_P2[:BREAK_A]),
                          art(A_P2[BREAK_A:], A_P3), B, C), gt_json(tmp_path))
    a = by_id(res2)["a1"]
    assert a.split and len(a.pieces) == 2
    assert a.breaks_repaired == 0 and a.cer_nows == 0.0 and a.distance == 2


def test_spurious_cjk_spaces(tmp_path: Path) -> None:
    # 3 + 3 spaces inside the article; the printed space after 记者 is in the GT
    p1 = A_P1.replace("昨天上午", "昨 天 上 午")
    p2 = A_P2.replace("社区服务", "社 区 服 务")
    res = evaluate(write(tmp_path, "page.txt", art(A_HEAD, p1, p2, A_P3), B, C), gt_json(tmp_path))
    a = by_id(res)["a1"]
    assert a.cjk_spaces == 6 and a.distance == 6
    assert a.cer_nows == 0.0 and a.breaks_repaired == 1
    assert res.summary["cjk_spaces"] == 6


def test_merged_articles(tmp_path: Path) -> None:
    res = evaluate(write(tmp_path, "page.txt", A + "\n" + B, C), gt_json(tmp_path))
    arts = by_id(res)
    assert arts["a1"].merged_with == ("a2",) and arts["a2"].merged_with == ("a1",)
    assert not arts["a3"].merged_with
    assert res.summary["articles_merged"] == 2 and res.summary["articles_split"] == 0
    assert res.summary["cer"] == 0  # the text itself is right


def test_missing_article_and_recognition_errors(tmp_path: Path) -> None:
    noisy = A.replace("会议", "会仪", 2)  # two substitutions
    res = evaluate(write(tmp_path, "page.txt", noisy, C), gt_json(tmp_path))
    arts = by_id(res)
    assert arts["a1"].distance == 2
    assert not arts["a2"].found and arts["a2"].distance == LEN_B and arts["a2"].cer == 1.0
    s = res.summary
    assert s["articles_missing"] == 1
    assert s["cer"] == pytest.approx((2 + LEN_B) / (LEN_A + LEN_B + len(C)), abs=1e-6)


def test_latin_hyphens_and_breaks(tmp_path: Path) -> None:
    para = ("The committee approved the reconstruction of the old bridge, a well-known landmark "
            "of the town, after a long debate that lasted well into the night.")
    d = {"schema": "layoutkit-groundtruth/1", "language": "en", "articles": [
        {"id": "a1", "headline": "Bridge to be rebuilt", "paragraphs": [para],
         "column_breaks": [{"paragraph": 0, "offset": para.index("landmark"), "kind": "column"}],
         "hyphens": [{"paragraph": 0, "offset": para.index("struction"), "word": "reconstruction",
                      "kind": "break"},
                     {"paragraph": 0, "offset": para.index("known"), "word": "well-known",
                      "kind": "compound"}]}]}
    gt = tmp_path / "en.gt.json"
    gt.write_text(json.dumps(d), encoding="utf-8")
    good = write(tmp_path, "good.txt", art("Bridge to be rebuilt", para))
    s = evaluate(good, gt).summary
    assert s["hyphens_right"] == 1.0 and s["breaks_repaired"] == 1.0 and s["wer"] == 0
    bad_para = para.replace("reconstruction", "recon- struction").replace("well-known", "wellknown")
    bad_para = bad_para.replace(" landmark", "\nlandmark")
    bad = write(tmp_path, "bad.txt", art("Bridge to be rebuilt", bad_para))
    res = evaluate(bad, gt)
    s = res.summary
    assert s["hyphens_total"] == 2 and s["hyphens_right"] == 0.0
    assert s["breaks_repaired"] == 0.0
    # by kind: the break hyphen left in, the compound's hyphen lost
    assert (s["break_hyphens_total"], s["break_hyphens_removed"]) == (1, 0.0)
    assert (s["compound_hyphens_total"], s["compound_hyphens_kept"]) == (1, 0.0)
    half = write(tmp_path, "half.txt", art("Bridge to be rebuilt", para.replace("well-known", "wellknown")))
    s = evaluate(half, gt).summary
    assert s["break_hyphens_removed"] == 1.0 and s["compound_hyphens_kept"] == 0.0
    # "- " inserted (2), "-" deleted (1), " " -> "\n" (1)
    assert res.pages[0].articles[0].distance == 4
    # words: reconstruction -> recon, struction (1 sub + 1 ins); well-known -> wellknown (1 sub)
    assert res.pages[0].articles[0].word_distance == 3


def test_graphemes_and_nfc() -> None:
    assert clusters("e\u0301te\u0301") == ["é", "t", "é"]
    codec = GraphemeCodec()
    assert codec.encode("de\u0301ja\u0300") == codec.encode("déjà")
    flag = "\U0001F1E9\U0001F1EA"  # one flag, two code points
    enc = codec.encode(f"a{flag}b")
    assert len(enc) == 3 and codec.decode(enc) == f"a{flag}b"
    gt = read_text("Cafe\u0301 au lait\nNice d\u00e9j\u00e0 vu\n")
    out = read_text("Caf\u00e9 au lait\nNice de\u0301ja\u0300 vu\n")
    assert evaluate_docs(out, gt).summary["cer"] == 0


def test_infix_alignment_is_exact() -> None:
    rng = random.Random(7)
    for _ in range(400):
        p = "".join(rng.choice("abc") for _ in range(rng.randint(1, 8)))
        t = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 12)))
        d, s, e = infix_align(p, t)
        brute = min(distance(p, t[i:j]) for i in range(len(t) + 1) for j in range(i, len(t) + 1))
        assert d == brute and distance(p, t[s:e]) == d


def test_find_stretch_matches_brute_force_on_noisy_text() -> None:
    rng = random.Random(3)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
    for trial in range(5):
        parts = ["".join(rng.choice(alphabet) for _ in range(60)) for _ in range(4)]
        other = "".join(rng.choice(alphabet) for _ in range(50))
        pattern = "".join(parts)
        noisy = [list(x) for x in parts]
        for x in noisy:
            for _ in range(2):
                x[rng.randrange(len(x))] = rng.choice(alphabet)
        # the article cut in two with another text between
        text = other[:20] + "".join(noisy[0]) + "".join(noisy[1]) + other[20:] + "".join(noisy[2]) \
            + "".join(noisy[3]) + other[:7]
        st, _ = find_stretch(pattern, AnchorIndex(text, 4))
        best, _, _ = infix_align(pattern, text)  # exact over the whole text
        assert st.distance == best, trial
        assert distance(pattern, text[st.start:st.end]) == st.distance


def test_reads_layoutkit_json_output(tmp_path: Path) -> None:
    from layoutkit.export.jsonfmt import render
    from layoutkit.model import Article, Document, Paragraph

    doc = Document("page.png", (), (
        Article("a1", A_HEAD, (Paragraph(A_P1), Paragraph(A_P2), Paragraph(A_P3))),
        Article("a2", B_HEAD, (Paragraph(B_P1), Paragraph(B_P2))),
        Article("a3", C_HEAD, (Paragraph(C_P1),)),
    ))
    out = tmp_path / "page.json"
    out.write_bytes(render(doc))
    assert read(out).fmt == "layoutkit-json"
    res = evaluate(out, gt_json(tmp_path))
    assert res.summary["cer"] == 0 and res.summary["intact"] == 1.0


def test_directory_mode_micro_average(tmp_path: Path) -> None:
    outs, gts = tmp_path / "out", tmp_path / "gt"
    outs.mkdir()
    gts.mkdir()
    gt_json(gts, "p1")
    gt_json(gts, "p2")
    gt_json(gts, "p3")
    (gts / "p1.extracted.txt").write_text("not ground truth", encoding="utf-8")
    write(outs, "p1.txt", A, B, C)
    write(outs, "p2.txt", art(A_HEAD, A_P1, A_P3), B, C)  # paragraph dropped
    write(outs, "zz.txt", A)  # no ground truth: ignored
    res = evaluate(outs, gts)
    assert res.directory and [p.name for p in res.pages] == ["p1", "p2", "p3"]
    assert res.missing_outputs == (str(gts / "p3.gt.json"),)
    assert res.unpaired_outputs == (str(outs / "zz.txt"),)
    total = 3 * (LEN_A + LEN_B + len(C))
    dist = (len(A_P2) + 1) + (LEN_A + LEN_B + len(C))  # p2's paragraph + all of p3
    assert res.summary["cer"] == pytest.approx(dist / total, abs=1e-6)
    assert res.summary["articles"] == 9 and res.summary["articles_intact"] == 5
    assert res.summary["pages"] == 3


def test_find_stretch_exact_on_a_page_of_common_words() -> None:
    # Regression: a run of bands was once ranked by the span of its last band,
    # so a window ending inside the article beat the article itself.  Many
    # repeated common words make plenty of stray anchors.
    rng = random.Random(11)
    words = ("the of and to in is was for on that with as by at from his her it an be this which "
             "council river bridge market school mayor police train station morning evening city").split()
    articles = [" ".join(rng.choice(words) for _ in range(rng.randint(30, 90))) for _ in range(12)]
    noisy = []
    for a in articles:
        chars = list(a)
        for _ in range(len(chars) // 50):
            chars[rng.randrange(len(chars))] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        noisy.append("".join(chars))
    rng.shuffle(noisy)
    text = "\n\n".join(noisy)
    index = AnchorIndex(text, 7)
    for a in articles:
        st, _ = find_stretch(a, index)
        assert st.distance == infix_align(a, text)[0]
