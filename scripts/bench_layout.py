#!/usr/bin/env python3
"""Time layout analysis (everything but OCR: ``preprocess`` + ``layout.analyze``)
per page, best of ``--repeat`` runs, and its share of a whole conversion.

    scripts/bench_layout.py                                   # fixtures/pages, writes bench/layout.json
    scripts/bench_layout.py --pages DIR --pages DIR2 --out /tmp/layout.json
    scripts/bench_layout.py --ocr-from bench/fixtures.json    # share from an eval run's OCR times
    scripts/bench_layout.py --convert                         # share from one convert per page (slow)
    scripts/bench_layout.py --compare OLD.json                # keep an earlier run's summary beside

The share of page time (issue 3: under 10%) needs the OCR time of each page.
``--convert`` runs ``convert_file`` once per page (Tesseract, one thread) and
takes its recognize time; ``--ocr-from`` reads it from the JSON that
``scripts/eval_fixtures.py`` wrote for the same pages (per page ``layout_s``
and ``layout_share`` give the rest of the page's time).  Either way the
share is ``best prep+layout / (best prep+layout + recognize)``.

Run it on a quiet machine: the 2 cores are shared, and wall times move with
other people's load (the load average is recorded beside the figures).
``cpu_s`` (CPU seconds of the process, all threads; OpenCV may use two) moves
less with load than the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _ocr_seconds_from_eval(path: Path) -> dict[str, float]:
    """Per page stem: seconds of the page spent outside preprocess + layout
    in an eval_fixtures.py run (recognition, mostly)."""
    data = json.loads(path.read_text())
    out: dict[str, float] = {}
    for row in data.get("pages", []):
        lay, share = row.get("layout_s"), row.get("layout_share")
        if lay and share:
            out[row["page"]] = lay / share - lay
    return out


def _ocr_seconds_by_convert(page: Path, language: str) -> float:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from layoutkit import ConvertOptions
    from layoutkit.pipeline import convert_file

    doc = convert_file(str(page), ConvertOptions(languages=language, threads=1))
    return sum(v for p in doc.pages for k, v in p.timings if k == "recognize")


def _language(page: Path) -> str:
    gt = page.with_name(page.name.split(".")[0] + ".gt.json")
    if gt.exists() and json.loads(gt.read_text()).get("language") == "en":
        return "eng"
    return "chi_sim+eng"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, action="append", help="folder of page images (repeatable; default fixtures/pages)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per page; the best counts")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "layout.json")
    ap.add_argument("--ocr-from", type=Path, action="append",
                    help="eval_fixtures.py JSON of the same pages: OCR seconds per page (repeatable)")
    ap.add_argument("--convert", action="store_true", help="run one convert per page for its OCR seconds (slow)")
    ap.add_argument("--compare", type=Path,
                    help="an earlier bench_layout.py JSON (another commit, same pages): its summary is kept beside")
    args = ap.parse_args()

    from layoutkit.layout import analyze
    from layoutkit.preprocess import preprocess
    from layoutkit.sources import load_pages

    dirs = args.pages or [ROOT / "fixtures" / "pages"]
    pages = sorted(p for d in dirs for p in d.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif", ".tiff"))
    if not pages:
        print("no pages found", file=sys.stderr)
        return 2
    ocr: dict[str, float] = {}
    for path in args.ocr_from or []:
        ocr.update(_ocr_seconds_from_eval(path))
    load_start = os.getloadavg()
    rows = []
    for page in pages:
        pi = next(iter(load_pages(page)))
        best_prep = best_lay = best_total = best_cpu = float("inf")
        for _ in range(max(1, args.repeat)):
            c0 = time.process_time()
            t0 = time.perf_counter()
            prep = preprocess(pi.image, pi.dpi, dpi_known=pi.dpi_known)
            t1 = time.perf_counter()
            lay = analyze(prep, pi.number)
            t2 = time.perf_counter()
            best_cpu = min(best_cpu, time.process_time() - c0)
            best_prep, best_lay, best_total = min(best_prep, t1 - t0), min(best_lay, t2 - t1), min(best_total, t2 - t0)
        stem = page.name.split(".")[0]
        row = {
            "page": stem, "width": int(pi.image.shape[1]), "height": int(pi.image.shape[0]), "dpi": pi.dpi,
            "preprocess_s": round(best_prep, 4), "layout_s": round(best_lay, 4), "total_s": round(best_total, 4),
            "cpu_s": round(best_cpu, 4),
            "regions": len(lay.regions), "load_1min": round(os.getloadavg()[0], 2),
        }
        ocr_s = _ocr_seconds_by_convert(page, _language(page)) if args.convert else ocr.get(stem)
        if ocr_s:
            row["ocr_s"] = round(ocr_s, 3)
            row["share"] = round(best_total / (best_total + ocr_s), 4)
        rows.append(row)
        print(f"{stem:32} {pi.image.shape[1]:5d}x{pi.image.shape[0]:<5d} prep {best_prep:6.3f}  layout {best_lay:6.3f}  "
              f"total {best_total:6.3f} s" + (f"  share {row['share'] * 100:5.1f}%" if "share" in row else ""),
              file=sys.stderr)
    totals = [r["total_s"] for r in rows]
    shares = [r["share"] for r in rows if "share" in r]
    summary = {
        "pages": len(rows),
        "median_total_s": round(statistics.median(totals), 4),
        "mean_total_s": round(statistics.fmean(totals), 4),
        "max_total_s": round(max(totals), 4),
        "mean_preprocess_s": round(statistics.fmean(r["preprocess_s"] for r in rows), 4),
        "mean_layout_s": round(statistics.fmean(r["layout_s"] for r in rows), 4),
        "mean_cpu_s": round(statistics.fmean(r["cpu_s"] for r in rows), 4),
        "mean_share": round(statistics.fmean(shares), 4) if shares else None,
        "max_share": round(max(shares), 4) if shares else None,
        "floor_share": 0.10,
    }
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    result = {
        "machine": {"cpus": os.cpu_count(), "load_start": load_start, "load_end": os.getloadavg(), "commit": commit},
        "repeat": args.repeat, "pages_dirs": [str(d) for d in dirs],
        "share_from": "convert" if args.convert else [str(p) for p in args.ocr_from or []] or None,
        "summary": summary, "pages": rows,
    }
    if args.compare:
        base = json.loads(args.compare.read_text())
        result["baseline"] = {"commit": base.get("machine", {}).get("commit"), "machine": base.get("machine"),
                              "summary": base.get("summary")}
        b = base.get("summary", {}).get("mean_total_s")
        if b:
            summary["vs_baseline"] = round(summary["mean_total_s"] / b, 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"mean {summary['mean_total_s']:.3f} s per page (median {summary['median_total_s']:.3f}, max "
          f"{summary['max_total_s']:.3f})" + (f", mean share {summary['mean_share'] * 100:.1f}%" if shares else "")
          + f"; wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
