#!/usr/bin/env python3
"""Issue 5 floors on held-out born-digital PDFs: articles intact, mean
article CER, column breaks repaired, paragraph boundaries kept, and no page
OCRed.

    scripts/eval_pdf_fixtures.py --count 32 --seed 700      # generate 32 PDFs, convert, evaluate
    scripts/eval_pdf_fixtures.py --pdfs fixtures/pdf         # evaluate PDFs already written

Generated PDFs come from :func:`layoutkit.synth.pdf.make_born_digital_set`
(one page each; PDF ``i`` has seed ``SEED + i``; Chinese and English, 3 to 6
columns, one string per character and one string per line, in rotation).
Each PDF is converted with ``layoutkit.pipeline.convert_file`` and the
default options (``--ocr auto``) and an engine that fails the run if a page
asks for OCR; its text output is scored against ``<stem>.gt.json`` with
``layoutkit.qa.evaluate``.  Writes ``bench/pdf_fixtures.json`` and prints a
table per language and string mode plus the articles that are not intact.
Exit status 1 when a floor is missed (100% intact, mean article CER <= 0.5%,
100% breaks repaired, no page OCRed).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

#: issue 5 floors
FLOOR_INTACT = 1.0
FLOOR_CER = 0.005
FLOOR_BREAKS = 1.0


class _NoEngine:
    """Raises when the pipeline asks for OCR (born-digital pages must not)."""

    name = "none"

    def version(self) -> str:
        raise RuntimeError("a born-digital page asked for an OCR engine")

    def recognize(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError("a born-digital page was OCRed")


def _convert(args: tuple[str, str]) -> dict:
    """Convert one PDF; returns timing, page paths and any error."""
    pdf, outdir = args
    from layoutkit import ConvertOptions
    from layoutkit.export import write_outputs
    from layoutkit.pipeline import convert_file

    stem = Path(pdf).name[: -len(".pdf")]
    t0 = time.perf_counter()
    try:
        doc = convert_file(pdf, ConvertOptions(), engine=_NoEngine())  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - recorded as a failure of this PDF
        return {"pdf": pdf, "stem": stem, "wall": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {exc}",
                "paths": []}
    wall = time.perf_counter() - t0
    write_outputs(doc, outdir, stem, ["txt", "json"])
    return {"pdf": pdf, "stem": stem, "wall": wall, "error": "",
            "paths": [p.path for p in doc.pages], "messages": [p.message for p in doc.pages]}


def _agg(rs: list[dict]) -> dict:
    arts = sum(r["articles"] for r in rs)
    intact = sum(r["intact_n"] for r in rs)
    bt = sum(r["breaks_total"] for r in rs)
    br = sum(r["breaks_repaired_n"] for r in rs)
    return {
        "pdfs": len(rs), "pdfs_intact": sum(r["intact_n"] == r["articles"] for r in rs),
        "articles": arts, "intact": round(intact / arts, 4) if arts else None,
        "mean_article_cer": round(sum(r["mean_article_cer"] * r["articles"] for r in rs) / arts, 5) if arts else None,
        "breaks_repaired": round(br / bt, 4) if bt else None, "breaks_total": bt,
        "boundaries_kept": round(sum(r["boundaries_kept"] or 0 for r in rs) / len(rs), 4) if rs else None,
        "split": sum(r["split"] for r in rs), "merged": sum(r["merged"] for r in rs),
        "ocr_pages": sum(r["ocr_pages"] for r in rs), "errors": sum(bool(r["error"]) for r in rs),
        "mean_wall_s": round(sum(r["wall_s"] for r in rs) / len(rs), 3) if rs else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pdfs", type=Path, help="folder of PDFs with <stem>.gt.json (default: generate)")
    ap.add_argument("--count", type=int, default=32, help="PDFs to generate")
    ap.add_argument("--seed", type=int, default=700, help="seed of the first generated PDF")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "pdf_fixtures.json")
    ap.add_argument("--keep", type=Path, help="keep the PDFs and outputs in this folder")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="lk-pdffix-"))
    pdf_dir = args.pdfs
    if pdf_dir is None:
        from layoutkit.synth.pdf import make_born_digital_set

        pdf_dir = work / "pdfs"
        make_born_digital_set(pdf_dir, args.count, args.seed)
    outdir = work / "out"
    outdir.mkdir(parents=True, exist_ok=True)
    pdfs = sorted(p for p in pdf_dir.glob("*.pdf") if p.with_name(p.name[:-4] + ".gt.json").exists())
    tasks = [(str(p), str(outdir)) for p in pdfs]
    t0 = time.perf_counter()
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            runs = list(pool.map(_convert, tasks))
    else:
        runs = [_convert(t) for t in tasks]
    total_wall = time.perf_counter() - t0

    from layoutkit.qa import evaluate

    rows = []
    for run in runs:
        stem = run["stem"]
        gt_path = pdf_dir / f"{stem}.gt.json"
        gt = json.loads(gt_path.read_text())
        gp = gt["pages"][0]
        txt = outdir / f"{stem}.txt"
        if run["error"]:
            txt.write_text("")
        res = evaluate(txt, gt_path)
        s = res.summary
        page = res.pages[0]
        bad = [{"id": a.id, "headline": a.headline[:40], "cer": round(a.cer, 4), "split": a.split,
                "merged_with": list(a.merged_with)} for a in page.articles if not a.intact]
        rows.append({
            "pdf": stem, "language": gt.get("language"), "columns": gp.get("columns"),
            "mode": gp.get("pdf_text", "?"), "articles": s["articles"],
            "intact_n": sum(a.intact for a in page.articles), "intact": s["intact"],
            "mean_article_cer": s["mean_article_cer"], "split": s["articles_split"], "merged": s["articles_merged"],
            "breaks_total": s["breaks_total"],
            "breaks_repaired_n": round((s["breaks_repaired"] or 0) * s["breaks_total"]),
            "breaks_repaired": s["breaks_repaired"], "boundaries_kept": s["boundaries_kept"],
            "reading_order": s["reading_order"],
            "ocr_pages": sum(p != "text-layer" for p in run["paths"]), "error": run["error"],
            "wall_s": round(run["wall"], 3), "not_intact": bad,
        })

    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[f"{r['language']}-{r['mode']}"].append(r)
    summary = {k: _agg(v) for k, v in sorted(groups.items())}
    summary["all"] = _agg(rows)
    a = summary["all"]
    floors = {
        "intact": a["intact"] is not None and a["intact"] >= FLOOR_INTACT,
        "mean_article_cer": a["mean_article_cer"] is not None and a["mean_article_cer"] <= FLOOR_CER,
        "breaks_repaired": a["breaks_repaired"] is None or a["breaks_repaired"] >= FLOOR_BREAKS,
        "no_ocr": a["ocr_pages"] == 0 and a["errors"] == 0,
    }
    result = {"pdf_dir": str(pdf_dir), "seed": None if args.pdfs else args.seed, "count": len(rows),
              "wall_s": round(total_wall, 1), "load_avg": [round(x, 2) for x in os.getloadavg()],
              "floors": floors, "summary": summary, "pdfs": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")

    print(f"{'group':14} {'pdfs':>4} {'whole':>5} {'arts':>5} {'intact':>7} {'artCER':>8} {'breaks':>7} "
          f"{'bounds':>7} {'split':>5} {'merged':>6} {'ocr':>4} {'s/pdf':>6}")
    for k, g in summary.items():
        br = g["breaks_repaired"]
        print(f"{k:14} {g['pdfs']:4d} {g['pdfs_intact']:5d} {g['articles']:5d} {g['intact'] or 0:7.3f} "
              f"{g['mean_article_cer'] or 0:8.5f} {br if br is not None else float('nan'):7.3f} "
              f"{g['boundaries_kept'] or 0:7.3f} {g['split']:5d} {g['merged']:6d} {g['ocr_pages']:4d} "
              f"{g['mean_wall_s'] or 0:6.2f}")
    for r in rows:
        if r["not_intact"] or r["error"] or r["ocr_pages"] or (r["breaks_repaired"] not in (None, 1.0)):
            print(f"  {r['pdf']}: intact {r['intact_n']}/{r['articles']} breaks {r['breaks_repaired']} "
                  f"{r['error']} {r['not_intact']}")
    print(f"floors: {floors}")
    print(f"wrote {args.out}")
    return 0 if all(floors.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
