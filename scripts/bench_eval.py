#!/usr/bin/env python3
"""Time and memory of ``layoutkit eval`` on synthetic pages; writes bench/eval.json.

Cases (deterministic from a seed; text is random but realistic in shape):

* ``article-5k``: one 5,000-character Chinese article against a
  6,000-character output (the article with 2% noise plus 1,000 characters of
  other text around it): issue 6 asks for under 1 s.
* ``page-zh`` / ``page-en``: 20 articles, about 12,000 characters, output
  with 2% character noise, shuffled article order, some column breaks left
  unrepaired, spurious CJK spaces.
* ``broadsheet-zh`` / ``broadsheet-en``: about 60,000 characters in 60
  articles: under 15 s and 1 GB asked.
* ``folder``: 10 pages like ``page-zh`` in directory mode, with the HTML and
  JSON reports written.

Each case runs in its own process so its peak memory (ru_maxrss) is its own.
Usage: ``scripts/bench_eval.py [--out bench/eval.json] [--case NAME]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

ZH = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
      "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
      "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
      "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管")


def zh_text(rng: random.Random, n: int) -> str:
    out = []
    while len(out) < n:
        out.extend(rng.choice(ZH) for _ in range(rng.randint(6, 18)))
        out.append(rng.choice("，，，。、"))
    return "".join(out[:n - 1]) + "。"


def en_text(rng: random.Random, n: int) -> str:
    from wordfreq import top_n_list

    words = top_n_list("en", 3000)
    out: list[str] = []
    size = 0
    while size < n:
        w = rng.choice(words)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n].rstrip() + "."


def make_article(rng: random.Random, chars: int, zh: bool) -> tuple[str, list[str]]:
    gen = zh_text if zh else en_text
    head = gen(rng, rng.randint(8, 16))[:-1]
    paras = []
    left = chars
    while left > 0:
        k = min(left, rng.randint(80, 400))
        paras.append(gen(rng, k))
        left -= k
    return head, paras


def noisy(rng: random.Random, text: str, rate: float, zh: bool) -> str:
    alphabet = ZH if zh else "abcdefghijklmnopqrstuvwxyz"
    out = []
    for ch in text:
        r = rng.random()
        if ch == "\n" or r > rate:
            out.append(ch)
        elif r < rate * 0.6:
            out.append(rng.choice(alphabet))
        elif r < rate * 0.8:
            continue
        else:
            out.append(ch + (" " if zh else rng.choice(alphabet)))
    return "".join(out)


def make_page(seed: int, articles: int, chars: int, zh: bool) -> tuple[dict, str]:
    """A ground truth (gt.json dict) and a noisy, shuffled output text."""
    rng = random.Random(seed)
    gt_articles = []
    out_articles = []
    for i in range(articles):
        head, paras = make_article(rng, chars // articles, zh)
        breaks = []
        out_paras = []
        for pi, p in enumerate(paras):
            if len(p) > 120 and rng.random() < 0.5:
                off = rng.randint(30, len(p) - 30)
                breaks.append({"paragraph": pi, "offset": off, "kind": "column"})
                # one break in four is left unrepaired
                sep = "\n" if rng.random() < 0.25 else ("" if zh else "")
                out_paras.append(p[:off] + sep + p[off:])
            else:
                out_paras.append(p)
        gt_articles.append({"id": f"a{i + 1}", "headline": head, "paragraphs": paras,
                            "column_breaks": breaks})
        out_articles.append(noisy(rng, "\n".join([head, *out_paras]), 0.02, zh))
    order = list(range(articles))
    for _ in range(articles // 4):  # some neighbours swapped
        a = rng.randrange(articles - 1)
        order[a], order[a + 1] = order[a + 1], order[a]
    gt = {"schema": "layoutkit-groundtruth/1", "language": "zh" if zh else "en", "pages": [],
          "articles": gt_articles}
    return gt, "\n\n".join(out_articles[i] for i in order) + "\n"


def run_case(name: str) -> dict:
    from layoutkit.qa import evaluate
    from layoutkit.qa import report as rep

    tmp = Path(tempfile.mkdtemp(prefix="bench_eval_"))
    info: dict = {"case": name}
    if name == "article-5k":
        rng = random.Random(1)
        head, paras = make_article(rng, 5000, True)
        gt = {"schema": "layoutkit-groundtruth/1", "language": "zh", "pages": [],
              "articles": [{"id": "a1", "headline": head, "paragraphs": paras}]}
        text = "\n".join([head, *paras])
        other = zh_text(rng, 1000)
        out = other[:500] + "\n\n" + noisy(rng, text, 0.02, True) + "\n\n" + other[500:] + "\n"
        (tmp / "p.gt.json").write_text(json.dumps(gt, ensure_ascii=False), encoding="utf-8")
        (tmp / "p.txt").write_text(out, encoding="utf-8")
        pairs = [(tmp / "p.txt", tmp / "p.gt.json")]
    elif name in ("page-zh", "page-en", "broadsheet-zh", "broadsheet-en"):
        zh = name.endswith("zh")
        n_art, chars = (20, 12000) if name.startswith("page") else (60, 60000)
        gt, out = make_page(5, n_art, chars, zh)
        (tmp / "p.gt.json").write_text(json.dumps(gt, ensure_ascii=False), encoding="utf-8")
        (tmp / "p.txt").write_text(out, encoding="utf-8")
        pairs = [(tmp / "p.txt", tmp / "p.gt.json")]
    elif name == "folder":
        (tmp / "out").mkdir()
        (tmp / "gt").mkdir()
        for i in range(10):
            gt, out = make_page(100 + i, 20, 12000, True)
            (tmp / "gt" / f"p{i}.gt.json").write_text(json.dumps(gt, ensure_ascii=False), encoding="utf-8")
            (tmp / "out" / f"p{i}.txt").write_text(out, encoding="utf-8")
        pairs = [(tmp / "out", tmp / "gt")]
    else:
        raise SystemExit(f"unknown case {name}")
    # jieba's dictionary loads once per process (~1 s); load it before timing
    from layoutkit.qa.words import tokenize

    tokenize("预热", True)
    t0 = time.perf_counter()
    res = evaluate(*pairs[0])
    t1 = time.perf_counter()
    html = rep.to_html(res)
    js = rep.to_json(res)
    t2 = time.perf_counter()
    s = res.summary
    info.update({
        "gt_chars": s["gt_chars"], "articles": s["articles"], "pages": s["pages"],
        "seconds_eval": round(t1 - t0, 3), "seconds_reports": round(t2 - t1, 3),
        "html_bytes": len(html), "json_bytes": len(js),
        "cer": s["cer"], "cer_nows": s["cer_nows"], "intact": s["intact"],
        "reading_order": s["reading_order"], "breaks_repaired": s["breaks_repaired"],
        "cjk_spaces": s["cjk_spaces"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    })
    return info


CASES = ("article-5k", "page-zh", "page-en", "broadsheet-zh", "broadsheet-en", "folder")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "eval.json"))
    ap.add_argument("--case", choices=CASES)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    results = []
    for case in CASES:
        proc = subprocess.run([sys.executable, __file__, "--case", case], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"{case:15s} {res['gt_chars']:7d} chars  eval {res['seconds_eval']:6.2f} s  "
              f"reports {res['seconds_reports']:5.2f} s  peak {res['peak_rss_mb']:7.1f} MB  "
              f"cer {res['cer']}  intact {res['intact']}", file=sys.stderr)
        results.append(res)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"cases": results, "python": sys.version.split()[0],
                               "cpus": os.cpu_count()}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
