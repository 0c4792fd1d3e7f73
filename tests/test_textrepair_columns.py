"""Text-only repair on column-break cases written for these tests.

Each case is a small newspaper page (articles: headline, dateline paragraph,
body, a caption) set into columns of a few widths by a tiny typesetter that
follows the Chinese line-breaking rule (no line starts with 。，、 …) and
hyphenates English at line ends (pyphen).  The "extracted" text is what a
naive extractor gives: every column piece a paragraph of its own, separated
by blank lines.  The rules must bring back the paragraphs.
"""

from __future__ import annotations

import pyphen
import pytest

from layoutkit.breaks import ends_sentence, is_cjk_char
from layoutkit.repairmetrics import BreakScore, score
from layoutkit.textrepair import check_nothing_dropped, repair_text

ZH_PAGE = [
    ("城东新建三座口袋公园", [
        "本报讯(记者 林晓雨)记者从市园林局获悉,今年城东片区新建的三座口袋公园已全部向市民开放,"
        "总面积约一万二千平方米,新增座椅、健身器材和儿童游乐设施一百二十余处。",
        "口袋公园选址多为老旧小区周边的闲置地块。园林部门在设计阶段多次走访周边居民,根据老人散步、"
        "孩子玩耍和上班族午间休息的不同需求,分别设置了林荫步道、沙池和遮阳座椅。",
        "“以前这里是一片堆放杂物的空地,现在每天傍晚都有不少邻居来跳舞、聊天。”家住附近的王阿姨说,"
        "公园开放以后,小区里的老人多了一个好去处。",
        "据介绍,明年全市还将继续推进口袋公园建设,计划新建和改造二十座,进一步提升居民的生活品质。",
        "图为新开放的杏花口袋公园。 赵一鸣 摄",
    ]),
    ("社区食堂让老人吃上热乎饭", [
        "本报讯(通讯员 陈静 记者 周航)每天上午十一点,南湖街道的社区食堂就排起了长队。这家食堂开业三个月来,"
        "累计为辖区六十岁以上老人提供午餐两万余份,受到居民普遍欢迎。",
        "食堂实行老人凭卡用餐、分档补贴的办法,八十岁以上老人每餐只需支付五元。对于行动不便的独居老人,"
        "社区志愿者每天按时送餐上门,并顺便了解老人的身体状况和生活需求。",
        "街道负责人表示,下一步将总结运营经验,在辖区内再开设两家社区食堂,让更多老人在家门口吃上"
        "营养均衡、价格实惠的饭菜。",
    ]),
    ("青年科技人才创新大赛落幕", [
        "本报讯(记者 许文杰)12月20日,第五届青年科技人才创新大赛在市科技馆落幕。经过初赛、复赛和决赛的层层选拔,"
        "来自高校、科研院所和企业的三十个项目获奖。",
        "本届大赛共收到参赛项目四百六十余个,涵盖新材料、智能制造、生物医药和数字经济等领域。"
        "获得一等奖的低功耗传感器项目已与两家企业签订合作协议,预计明年实现量产。",
        "评审专家认为,参赛项目的技术水平和市场转化能力较往届明显提高,一批青年人才在比赛中脱颖而出。",
    ]),
]

EN_PAGE = [
    ("Council Approves New Bus Routes", [
        "RIVERTON (AP) — The city council voted on Tuesday to approve three new bus routes that will connect "
        "the eastern neighborhoods with the central station, ending years of complaints from commuters.",
        "The well-known transit advocate Maria Lopez said the decision was a long-term investment in the "
        "community. Construction of the new shelters will begin in the spring, and the first buses are "
        "expected to run before the end of the year.",
        "Officials estimated that the routes would carry about four thousand passengers a day. The state-owned "
        "transport company will hire forty additional drivers, most of them from the local area.",
        "Some residents remained skeptical. A group of shop owners argued that the construction would block "
        "access to their businesses during the busiest months.",
    ]),
    ("Library Reopens After Reconstruction", [
        "By Daniel Hughes",
        "The central library reopened its doors on Saturday after a two-year reconstruction that restored the "
        "original reading room and added a children's wing with a small theater.",
        "Visitors lined up outside the building before opening time. Many of them brought their grandchildren, "
        "who explored the new interactive exhibits about the history of the region.",
        "The project was financed by a combination of municipal funds and private donations. The director "
        "thanked the volunteers who had helped to move more than two hundred thousand books.",
    ]),
]


def _typeset_zh(text: str, width: int) -> list[str]:
    """Lines of ``width`` characters; punctuation that may not start a line
    hangs on the previous line (the printer's rule)."""
    lines: list[str] = []
    cur = ""
    for ch in text:
        if len(cur) >= width and ch not in "。，、；：！？”）, " and cur[-1] != " ":
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def _typeset_en(text: str, width: int, dic: pyphen.Pyphen) -> list[str]:
    """Greedy lines of at most ``width`` characters; a word that does not fit
    is hyphenated at the last legal point that fits (compounds at their hyphen)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        cand = f"{cur} {word}" if cur else word
        if len(cand) <= width:
            cur = cand
            continue
        room = width - len(cur) - (1 if cur else 0)
        split = None
        for left, right in reversed(list(dic.iterate(word)) + [
                (word[: i + 1], word[i + 1:]) for i, c in enumerate(word) if c == "-"]):
            head = left if left.endswith("-") else left + "-"
            if len(head) <= room and len(left.rstrip("-")) >= 2 and len(right) >= 2 and right[0].isalpha():
                split = (head, right)
                break
        if split:
            lines.append(f"{cur} {split[0]}" if cur else split[0])
            cur = split[1]
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines


def _page(articles: list[tuple[str, list[str]]], width: int, height: int, lang: str,
          article_sep: str) -> tuple[str, str, list[int]]:
    """Set the articles into columns of ``height`` lines; return (ground truth
    text, extracted text, letter offsets of the column breaks inside paragraphs)."""
    dic = pyphen.Pyphen(lang="en_US")
    gt_articles, blocks_by_article, breaks = [], [], []
    offset = 0
    used = 0  # lines used in the current column
    for headline, paras in articles:
        gt_articles.append("\n".join([headline, *paras]))
        blocks = [headline]
        offset += sum(c.isalnum() for c in headline)
        for para in paras:
            lines = _typeset_zh(para, width) if lang == "zh" else _typeset_en(para, width, dic)
            piece: list[str] = []
            pos = offset
            for ln in lines:
                if used >= height and piece:
                    blocks.append(_block(piece, lang))
                    breaks.append(pos)
                    piece = []
                    used = 0
                piece.append(ln)
                used += 1
                pos += sum(c.isalnum() for c in ln)
            blocks.append(_block(piece, lang))
            offset = pos
        blocks_by_article.append(blocks)
    gt = "\n\n".join(gt_articles) + "\n"
    extracted = article_sep.join("\n\n".join(b) for b in blocks_by_article) + "\n"
    return gt, extracted, breaks


def _block(lines: list[str], lang: str) -> str:
    # Chinese extraction gives one line per block (as in the seed); English keeps the printed lines.
    return "".join(lines) if lang == "zh" else "\n".join(lines)


CASES = [(lang, w, h, sep) for lang, widths in (("zh", (11, 13, 17, 21)), ("en", (28, 34, 41)))
         for w in widths for h in (5, 7, 9) for sep in ("\n\n", "\n\n\n\n")]


def _run(lang: str, width: int, height: int, sep: str) -> tuple[BreakScore, str, str, str]:
    gt, extracted, breaks = _page(ZH_PAGE if lang == "zh" else EN_PAGE, width, height, lang, sep)
    result = repair_text(extracted)
    assert check_nothing_dropped(extracted, result) == ""
    return score(gt, result.text, breaks), gt, extracted, result.text


@pytest.mark.parametrize(("lang", "width", "height", "sep"), CASES)
def test_case_nothing_dropped_and_boundaries_kept(lang: str, width: int, height: int, sep: str) -> None:
    s, gt, _, out = _run(lang, width, height, sep)
    assert s.column_breaks > 0
    assert s.kept_rate == 1.0, out
    assert s.cjk_spaces_left == 0


def test_rates_over_all_cases() -> None:
    """All breaks that text can reveal are repaired; a column that ends exactly
    at a sentence end looks like a paragraph end in text (the layout-based
    repair sees the full last line instead), so those are measured apart."""
    total = BreakScore(0, 0, 0, 0, 0)
    decidable = BreakScore(0, 0, 0, 0, 0)
    exact = 0
    for lang, width, height, sep in CASES:
        gt, extracted, breaks = _page(ZH_PAGE if lang == "zh" else EN_PAGE, width, height, lang, sep)
        out = repair_text(extracted).text
        letters = [i for i, c in enumerate(gt) if c.isalnum()]
        inside = [b for b in breaks if not ends_sentence(gt[: letters[b]])]
        total = total + score(gt, out, breaks)
        decidable = decidable + score(gt, out, inside)
        exact += gt == out
    assert total.column_breaks > 150
    assert decidable.repaired_rate == 1.0, decidable
    assert total.repaired_rate >= 0.95, total
    assert total.kept_rate >= 0.98, total
    assert exact >= 0.75 * len(CASES)


def test_english_hyphens_in_text_mode() -> None:
    gt, extracted, _ = _page(EN_PAGE, 30, 6, "en", "\n\n")
    out = repair_text(extracted).text
    for compound in ("well-known", "long-term", "state-owned", "two-year"):
        assert compound in out
    for word in ("reconstruction", "construction", "neighborhoods", "investment", "additional"):
        assert word in out
    assert not any(is_cjk_char(c) for c in out)
