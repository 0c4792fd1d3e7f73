#!/usr/bin/env python3
"""Measure layoutkit on rendered fixture pages (issue floors for layout,
articles and break repair), by degradation kind.

    scripts/eval_fixtures.py --count 24 --seed 100           # generate 24 pages, convert, evaluate
    scripts/eval_fixtures.py --pages fixtures/pages           # evaluate pages already rendered

Pages are rendered by ``scripts/make_fixtures.py`` (never tuned one by one),
converted with ``layoutkit.convert_file`` (Chinese pages with the default
``chi_sim+eng``, English pages with ``eng``) in a process pool, and each
output is compared with its ``.gt.json`` by ``layoutkit.qa.evaluate``.
Writes ``bench/fixtures.json`` and prints a table per degradation kind.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _convert(args: tuple[str, str, str, str]) -> dict:
    page, lang, outdir, engine = args
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from layoutkit import ConvertOptions
    from layoutkit.export import write_outputs
    from layoutkit.pipeline import convert_file

    stem = Path(page).name.split(".")[0]
    t0 = time.perf_counter()
    doc = convert_file(page, ConvertOptions(languages=lang, threads=1, engine=engine))
    wall = time.perf_counter() - t0
    write_outputs(doc, outdir, stem, ["txt", "json"])
    stages: dict[str, float] = defaultdict(float)
    for p in doc.pages:
        for k, v in p.timings:
            stages[k] += v
    return {"page": page, "stem": stem, "wall": wall, "stages": dict(stages)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, help="folder of rendered pages with .gt.json (default: generate)")
    ap.add_argument("--count", type=int, default=24)
    ap.add_argument("--seed", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "fixtures.json")
    ap.add_argument("--engine", default="tesseract", help="OCR engine: tesseract, rapidocr, auto")
    ap.add_argument("--keep", type=Path, help="keep outputs in this folder")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="lk-fixtures-"))
    pages_dir = args.pages
    if pages_dir is None:
        pages_dir = work / "pages"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_fixtures.py"), "--out", str(pages_dir),
                        "--count", str(args.count), "--seed", str(args.seed)], check=True)
    outdir = args.keep or (work / "out")
    outdir.mkdir(parents=True, exist_ok=True)
    pages = sorted(p for p in pages_dir.iterdir() if p.suffix in (".png", ".jpg", ".tif") and
                   (pages_dir / (p.name.split(".")[0] + ".gt.json")).exists())
    tasks = []
    for p in pages:
        gt = json.loads((pages_dir / (p.name.split(".")[0] + ".gt.json")).read_text())
        tasks.append((str(p), "eng" if gt.get("language") == "en" else "chi_sim+eng", str(outdir), args.engine))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = list(pool.map(_convert, tasks))
    total_wall = time.perf_counter() - t0

    from layoutkit.qa import evaluate

    rows = []
    for run in runs:
        stem = run["stem"]
        gt_path = pages_dir / f"{stem}.gt.json"
        gt = json.loads(gt_path.read_text())
        res = evaluate(outdir / f"{stem}.txt", gt_path)
        s = res.summary
        stages = run["stages"]
        total = sum(stages.values()) or 1.0
        rows.append({
            "page": stem, "language": gt.get("language"), "degradation": gt["pages"][0].get("degradation"),
            "columns": gt["pages"][0].get("columns"), "articles": s["articles"], "intact": s["intact"],
            "mean_article_cer": s["mean_article_cer"], "cer": s["cer"], "split": s["articles_split"],
            "merged": s["articles_merged"], "breaks_repaired": s["breaks_repaired"], "breaks_total": s["breaks_total"],
            "boundaries_kept": s["boundaries_kept"], "reading_order": s["reading_order"], "bag_recall": s["bag_recall"],
            "cjk_spaces": s["cjk_spaces"], "wall_s": round(run["wall"], 2),
            "break_hyphens_total": s["break_hyphens_total"], "break_hyphens_removed": s["break_hyphens_removed"],
            "compound_hyphens_total": s["compound_hyphens_total"], "compound_hyphens_kept": s["compound_hyphens_kept"],
            "layout_share": round((stages.get("layout", 0.0) + stages.get("preprocess", 0.0)) / total, 4),
            "layout_s": round(stages.get("layout", 0.0) + stages.get("preprocess", 0.0), 3),
        })
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_kind[r["degradation"]].append(r)

    def agg(rs: list[dict]) -> dict:
        arts = sum(r["articles"] for r in rs)
        intact = sum(r["intact"] * r["articles"] for r in rs)
        bt = sum(r["breaks_total"] for r in rs)
        br = sum((r["breaks_repaired"] or 0) * r["breaks_total"] for r in rs)

        def rate(key: str, total: str) -> float | None:
            n = sum(r.get(total) or 0 for r in rs)
            return round(sum((r.get(key) or 0) * (r.get(total) or 0) for r in rs) / n, 4) if n else None
        return {
            "pages": len(rs), "articles": arts, "intact": round(intact / arts, 4) if arts else None,
            "mean_article_cer": round(sum(r["mean_article_cer"] * r["articles"] for r in rs) / arts, 4) if arts else None,
            "breaks_repaired": round(br / bt, 4) if bt else None,
            "boundaries_kept": round(sum(r["boundaries_kept"] or 0 for r in rs) / len(rs), 4),
            "split": sum(r["split"] for r in rs), "merged": sum(r["merged"] for r in rs),
            "cjk_spaces": sum(r["cjk_spaces"] for r in rs),
            "break_hyphens_removed": rate("break_hyphens_removed", "break_hyphens_total"),
            "compound_hyphens_kept": rate("compound_hyphens_kept", "compound_hyphens_total"),
            "layout_share": round(sum(r["layout_share"] for r in rs) / len(rs), 4),
            "layout_s": round(sum(r["layout_s"] for r in rs) / len(rs), 3),
        }

    summary = {k: agg(v) for k, v in sorted(by_kind.items())}
    summary["all"] = agg(rows)
    result = {"pages_dir": str(pages_dir), "count": len(rows), "wall_s": round(total_wall, 1),
              "load_avg": os.getloadavg(), "by_degradation": summary, "pages": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{'kind':10} {'pages':>5} {'arts':>5} {'intact':>7} {'artCER':>7} {'breaks':>7} {'bounds':>7} {'split':>5} {'merged':>6} {'prep+layout%':>12} {'cjkSp':>5} {'hyBrk':>6} {'hyCmp':>6}")
    for k, a in summary.items():
        print(f"{k:10} {a['pages']:5d} {a['articles']:5d} {a['intact'] or 0:7.3f} {a['mean_article_cer'] or 0:7.4f} "
              f"{a['breaks_repaired'] if a['breaks_repaired'] is not None else float('nan'):7.3f} {a['boundaries_kept']:7.3f} "
              f"{a['split']:5d} {a['merged']:6d} {a['layout_share'] * 100:6.1f}%      {a['cjk_spaces']:5d} "
              f"{_pct(a['break_hyphens_removed'])} {_pct(a['compound_hyphens_kept'])}")
    print(f"wrote {args.out}")
    return 0


def _pct(x: float | None) -> str:
    return f"{x:6.3f}" if x is not None else "     -"


if __name__ == "__main__":
    raise SystemExit(main())
