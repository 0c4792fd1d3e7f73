#!/usr/bin/env python3
"""Measure the page layout (preprocess + analyze, no OCR) on the real scans
in ``../shared/real`` against their region ground truth.

Per collection:

* ``gbn`` (PAGE XML, 600 dpi): vertical column separators found (by one of
  our vertical rules or by the gutter our regions imply; rule in
  :mod:`layoutkit.qa.regions`), text regions matched (IoU >= 0.5), area
  coverage, split / merged regions;
* ``chronam`` (ALTO from ABBYY, inch1200 / 8 = pixels of the 150-dpi JPEG):
  indicative region coverage of the TextBlocks and recall of the ALTO text
  lines by our projected lines;
* ``kant`` (PAGE with ReadingOrder): region match, line recall and
  pairwise reading-order agreement;
* ``ndl`` (VOC boxes): text-line recall (horizontal printed book),
  coverage of the text boxes, illustrations found as photos;
* ``ecpo`` (Web Annotation polygons, vertical Chinese): region coverage
  and precision, images found as photos.

Pages above ``--max-dpi`` are analysed on a copy resized to that resolution
(the ground truth is scaled alike); ``--max-dpi 0`` keeps full resolution.
Times are wall seconds of ``preprocess`` and ``analyze`` on this machine.

    PYTHONPATH=src .venv/bin/python scripts/eval_real_layout.py [--real ../shared/real]
        [--max-dpi 300] [--only gbn,chronam] [--overlays /tmp/real-overlays] [--out bench/real_layout.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from layoutkit.layout import PageLayout, analyze  # noqa: E402
from layoutkit.model import BBox, BlockKind  # noqa: E402
from layoutkit.preprocess import Prepared, preprocess  # noqa: E402
from layoutkit.qa.regions import (  # noqa: E402
    GtPage,
    implied_gutters,
    line_recall,
    match_regions,
    match_separators,
    read_alto_boxes,
    read_page_xml,
    read_voc_boxes,
    read_web_annotations,
    reading_order_agreement,
)
from layoutkit.sources import load_pages  # noqa: E402

COLLECTIONS = ("gbn", "chronam", "kant", "ndl", "ecpo")
#: floor of issue 3 for pages with separator ground truth
SEPARATOR_FLOOR = 0.90


@dataclass(frozen=True)
class Run:
    """One page analysed: ``f`` is the factor applied to the original image
    (and to be applied to its ground truth); times in seconds."""

    prep: Prepared
    lay: PageLayout
    f: float
    dpi: int
    t_pre: float
    t_lay: float
    shape: tuple[int, int]


def clear_edge_ink(image: np.ndarray, band: float = 0.03, min_extent: float = 0.2) -> np.ndarray:
    """EXPERIMENT (``--experiment clear-edges``), a proposal for
    ``preprocess.remove_borders``, not product code: dark connected
    components that touch the image frame and reach over ``min_extent`` of
    the page width or height (scanner surrounds, page edges, book spines)
    are whitened where they lie within ``band`` (a fraction of the shorter
    side) of the frame.  Only the band: a column rule joined to a frame
    line keeps its body, and text is never near the frame."""
    h, w = image.shape
    dark = (image < 128).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    x, y, bw, bh = (stats[:, i] for i in range(4))
    touch = (x <= 1) | (y <= 1) | (x + bw >= w - 1) | (y + bh >= h - 1)
    long_ = (bw >= min_extent * w) | (bh >= min_extent * h)
    drop = touch & long_
    drop[0] = False
    if not drop.any():
        return image
    b = max(1, int(band * min(h, w)))
    near = np.zeros((h, w), bool)
    near[:b], near[-b:], near[:, :b], near[:, -b:] = True, True, True, True
    out = image.copy()
    out[drop[labels] & near] = 255
    return out


EXPERIMENTS: dict[str, Callable[[np.ndarray], np.ndarray]] = {"clear-edges": clear_edge_ink}


def run_layout(path: Path, max_dpi: int, experiment: str = "") -> Run:
    """Load the first page of ``path``, resize it to at most ``max_dpi``
    (when its DPI is known and higher), apply the ``experiment`` (if any)
    to the grey image, then preprocess and analyze it."""
    page = next(iter(load_pages(path)))
    image, dpi, f = page.image, page.dpi, 1.0
    if max_dpi and page.dpi_known and dpi > max_dpi:
        f = max_dpi / dpi
        h, w = image.shape
        image = cv2.resize(image, (int(round(w * f)), int(round(h * f))), interpolation=cv2.INTER_AREA)
        dpi = max_dpi
    if experiment:
        image = EXPERIMENTS[experiment](image)
    t0 = time.perf_counter()
    prep = preprocess(image, dpi, dpi_known=page.dpi_known)
    t1 = time.perf_counter()
    lay = analyze(prep)
    t2 = time.perf_counter()
    return Run(prep, lay, f, prep.dpi, round(t1 - t0, 3), round(t2 - t1, 3), image.shape[:2])


def text_boxes(lay: PageLayout) -> list[BBox]:
    """Our regions that hold text (everything but photos)."""
    return [r.bbox for r in lay.regions if r.kind != BlockKind.PHOTO]


def our_lines(lay: PageLayout) -> list[BBox]:
    return [lb for r in lay.regions for lb in r.line_boxes]


def summary_of_layout(run: Run) -> dict[str, Any]:
    """Counts any page gets, ground truth or not."""
    lay = run.lay
    h, w = run.shape
    kinds: dict[str, int] = {}
    for r in lay.regions:
        kinds[r.kind.value] = kinds.get(r.kind.value, 0) + 1
    biggest = max((r.bbox.area for r in lay.regions if r.kind != BlockKind.PHOTO), default=0)
    return {
        "size": [w, h], "dpi": run.dpi, "factor": round(run.f, 4), "skew": run.prep.angle, "em": run.prep.em,
        "t_preprocess": run.t_pre, "t_analyze": run.t_lay, "t_total": round(run.t_pre + run.t_lay, 3),
        "regions": len(lay.regions), "kinds": kinds, "columns": len(lay.columns),
        "rules_h": sum(1 for r in lay.rules if r.width >= r.height),
        "rules_v": sum(1 for r in lay.rules if r.width < r.height),
        "photos": len(lay.photos), "vertical_regions": sum(1 for r in lay.regions if r.vertical),
        "largest_region_frac": round(biggest / float(w * h), 3),
    }


def region_figures(gt: list[BBox], lay: PageLayout, w: int, h: int) -> dict[str, Any]:
    m = match_regions(gt, text_boxes(lay), w, h)
    return {"gt_regions": m.gt, "our_regions": m.ours, "matched": m.matched,
            "matched_frac": round(m.matched_frac, 3), "coverage": round(m.coverage, 3),
            "precision": round(m.precision, 3), "split": m.split, "merging": m.merging, "merged": m.merged}


def photo_recall(gt: list[BBox], photos: list[BBox]) -> float | None:
    """Share of ground-truth pictures that one of our photos overlaps by
    at least half of the picture or of the photo."""
    if not gt:
        return None
    hit = 0
    for g in gt:
        for p in photos:
            inter = g.intersection(p)
            if inter is not None and inter.area >= 0.5 * min(g.area, p.area):
                hit += 1
                break
    return round(hit / len(gt), 3)


# ---------------------------------------------------------------- overlays


def write_overlay(path: Path, run: Run, gt: GtPage | None, missed: list[BBox], found: list[BBox]) -> None:
    """A downscaled picture: our text regions green, photos blue, our rules
    magenta, ground-truth regions thin grey, ground-truth separators orange
    when found and red when missed."""
    img = cv2.cvtColor(run.prep.gray, cv2.COLOR_GRAY2BGR)
    t = max(2, img.shape[1] // 700)
    if gt is not None:
        for g in gt.text:
            cv2.rectangle(img, (g.bbox.x0, g.bbox.top), (g.bbox.x1, g.bbox.bottom), (150, 150, 150), t)
    for r in run.lay.regions:
        colour = (220, 0, 0) if r.kind == BlockKind.PHOTO else (0, 0, 230) if r.kind == BlockKind.HEADLINE else (0, 170, 0)
        cv2.rectangle(img, (r.bbox.x0, r.bbox.top), (r.bbox.x1, r.bbox.bottom), colour, t)
    for rule in run.lay.rules:
        cv2.rectangle(img, (rule.x0, rule.top), (rule.x1, rule.bottom), (200, 0, 200), t)
    for colour, boxes in (((0, 140, 255), found), ((0, 0, 255), missed)):
        for b in boxes:
            cv2.rectangle(img, (b.x0, b.top), (b.x1, b.bottom), colour, 3 * t)
    f = min(1.0, 1600.0 / max(img.shape[:2]))
    small = cv2.resize(img, (int(img.shape[1] * f), int(img.shape[0] * f)), interpolation=cv2.INTER_AREA)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), small)


# ---------------------------------------------------------------- collections


def eval_gbn(real: Path, max_dpi: int, overlays: Path | None, experiment: str = "") -> Iterator[dict[str, Any]]:
    for img in sorted((real / "gbn" / "GT-PAGE").glob("*.png")):
        run = run_layout(img, max_dpi, experiment)
        h, w = run.shape
        gt = read_page_xml(img.with_suffix(".xml"), scale=run.f)
        seps = match_separators(gt.separators, run.lay.rules, [r.bbox for r in run.lay.regions], w,
                                min_height=run.dpi * 1.0)
        rec = {"collection": "gbn", "page": img.stem, **summary_of_layout(run)}
        rec["separators"] = {
            "gt_vertical": len(seps), "found": sum(m.found for m in seps),
            "found_frac": round(sum(m.found for m in seps) / len(seps), 3) if seps else None,
            "by_rule": sum(1 for m in seps if m.by_rule >= 0.5),
            # stricter: found, and our regions do not run across it over half its length
            "separated": sum(1 for m in seps if m.found and m.crossed < 0.5),
            "crossed_mean": round(float(np.mean([m.crossed for m in seps])), 3) if seps else None,
            "missed": [{"id": m.id, "bbox": list(m.bbox.as_tuple()), "covered": round(m.covered, 2),
                        "crossed": round(m.crossed, 2)} for m in seps if not m.found],
        }
        # gutters between side-by-side ground-truth regions: the column
        # boundaries of pages printed without (or with unannotated) rules
        gut = implied_gutters([g.bbox for g in gt.text], w, min_height=run.dpi * 1.0)
        gms = match_separators(gut, run.lay.rules, [r.bbox for r in run.lay.regions], w, min_height=run.dpi * 1.0)
        rec["gutters"] = {
            "gt": len(gms), "found": sum(m.found for m in gms),
            "found_frac": round(sum(m.found for m in gms) / len(gms), 3) if gms else None,
            "separated": sum(1 for m in gms if m.found and m.crossed < 0.5),
            "crossed_mean": round(float(np.mean([m.crossed for m in gms])), 3) if gms else None,
        }
        rec["text"] = region_figures([g.bbox for g in gt.text], run.lay, w, h)
        rec["graphics_found"] = photo_recall([g.bbox for g in gt.graphics], list(run.lay.photos))
        if overlays:
            write_overlay(overlays / f"gbn_{img.stem}.png", run, gt,
                          [m.bbox for m in seps + gms if not m.found], [m.bbox for m in seps + gms if m.found])
        yield rec


def eval_chronam(real: Path, max_dpi: int, overlays: Path | None, experiment: str = "") -> Iterator[dict[str, Any]]:
    for img in sorted((real / "chronam").glob("*.jpg")):
        run = run_layout(img, max_dpi, experiment)
        h, w = run.shape
        # ALTO in inch1200 over the 150-dpi JPEG: divide by 8 (SOURCE.txt)
        gt = read_alto_boxes(img.with_name(img.name.replace(".jpg", ".alto.xml")), scale=run.f / 8.0)
        rec = {"collection": "chronam", "page": img.stem, **summary_of_layout(run)}
        rec["text"] = region_figures([g.bbox for g in gt.text], run.lay, w, h)
        rec["line_recall"] = round(line_recall([g.bbox for g in gt.lines], our_lines(run.lay)), 3)
        rec["gt_lines"] = len(gt.lines)
        rec["our_lines"] = len(our_lines(run.lay))
        if overlays:
            write_overlay(overlays / f"chronam_{img.stem}.png", run, gt, [], [])
        yield rec


def eval_kant(real: Path, max_dpi: int, overlays: Path | None, experiment: str = "") -> Iterator[dict[str, Any]]:
    for img in sorted((real / "kant-1784").glob("INPUT_*.tif")):
        run = run_layout(img, max_dpi, experiment)
        h, w = run.shape
        num = img.stem.split("_")[1]
        gt = read_page_xml(img.with_name(f"PAGE_{num}_PAGE.xml"), scale=run.f)
        by_id = {g.id: g.bbox for g in gt.text}
        ordered = [by_id[i] for i in gt.order if i in by_id]
        ours = text_boxes(run.lay)
        agree, pairs = reading_order_agreement(ordered, ours)
        rec = {"collection": "kant", "page": img.stem, **summary_of_layout(run)}
        rec["text"] = region_figures([g.bbox for g in gt.text], run.lay, w, h)
        rec["line_recall"] = round(line_recall([g.bbox for g in gt.lines], our_lines(run.lay)), 3)
        rec["gt_lines"] = len(gt.lines)
        rec["our_lines"] = len(our_lines(run.lay))
        rec["reading_order"] = {"agreement": round(agree, 3), "pairs": pairs, "gt_regions_in_order": len(ordered)}
        if overlays:
            write_overlay(overlays / f"kant_{img.stem}.png", run, gt, [], [])
        yield rec


def eval_ndl(real: Path, max_dpi: int, overlays: Path | None, experiment: str = "") -> Iterator[dict[str, Any]]:
    for img in sorted((real / "ndl-japanese-layout").glob("*/*.jpg")):
        run = run_layout(img, max_dpi, experiment)
        h, w = run.shape
        gt = read_voc_boxes(img.with_suffix(".xml"), scale=run.f)
        rec = {"collection": "ndl", "page": f"{img.parent.name}/{img.stem}", **summary_of_layout(run)}
        rec["text"] = region_figures([g.bbox for g in gt.text], run.lay, w, h)
        if gt.lines:
            rec["line_recall"] = round(line_recall([g.bbox for g in gt.lines], our_lines(run.lay)), 3)
            rec["gt_lines"] = len(gt.lines)
            rec["our_lines"] = len(our_lines(run.lay))
        heads = [g.bbox for g in gt.text if "headline" in g.kind]
        if heads:
            ours_h = [r.bbox for r in run.lay.regions if r.kind in (BlockKind.HEADLINE, BlockKind.SUBHEAD)]
            rec["headlines_found"] = round(sum(1 for g in heads if any(g.iou(o) >= 0.3 for o in ours_h)) / len(heads), 3)
        rec["graphics_found"] = photo_recall([g.bbox for g in gt.graphics], list(run.lay.photos))
        if overlays:
            write_overlay(overlays / f"ndl_{img.parent.name}_{img.stem}.png", run, gt, [], [])
        yield rec


def eval_ecpo(real: Path, max_dpi: int, overlays: Path | None, experiment: str = "") -> Iterator[dict[str, Any]]:
    base = real / "ecpo-jingbao-1939"
    for img in sorted((base / "images").glob("*.jpg")):
        run = run_layout(img, max_dpi, experiment)
        h, w = run.shape
        # the annotations are in pixels of this very image (4832 x 3424)
        gt = read_web_annotations(base / "visualGT" / f"{img.stem}.json", int(w / run.f), int(h / run.f), scale=run.f)
        rec = {"collection": "ecpo", "page": img.stem, **summary_of_layout(run)}
        rec["text"] = region_figures([g.bbox for g in gt.text], run.lay, w, h)
        rec["graphics_found"] = photo_recall([g.bbox for g in gt.graphics], list(run.lay.photos))
        if overlays:
            write_overlay(overlays / f"ecpo_{img.stem}.png", run, gt, [], [])
        yield rec


EVALUATORS: dict[str, Callable[[Path, int, Path | None, str], Iterator[dict[str, Any]]]] = {
    "gbn": eval_gbn, "chronam": eval_chronam, "kant": eval_kant, "ndl": eval_ndl, "ecpo": eval_ecpo,
}


# ---------------------------------------------------------------- report


def totals(records: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    gbn = [r for r in records if r["collection"] == "gbn"]
    if gbn:
        n = sum(r["separators"]["gt_vertical"] for r in gbn)
        k = sum(r["separators"]["found"] for r in gbn)
        g = sum(r["text"]["gt_regions"] for r in gbn)
        out["gbn"] = {
            "pages": len(gbn), "separators_gt": n, "separators_found": k,
            "separators_found_frac": round(k / n, 3) if n else None,
            "separators_separated": sum(r["separators"]["separated"] for r in gbn),
            "separator_floor": SEPARATOR_FLOOR, "separator_floor_met": bool(n and k / n >= SEPARATOR_FLOOR),
            "gutters_gt": sum(r["gutters"]["gt"] for r in gbn),
            "gutters_found": sum(r["gutters"]["found"] for r in gbn),
            "gutters_separated": sum(r["gutters"]["separated"] for r in gbn),
            "text_regions_gt": g, "text_matched_frac": round(sum(r["text"]["matched"] for r in gbn) / g, 3) if g else None,
            "text_coverage_mean": round(float(np.mean([r["text"]["coverage"] for r in gbn])), 3),
            "split": sum(r["text"]["split"] for r in gbn), "merging": sum(r["text"]["merging"] for r in gbn),
            "merged": sum(r["text"]["merged"] for r in gbn),
        }
    for name in COLLECTIONS:
        rs = [r for r in records if r["collection"] == name]
        if not rs:
            continue
        t = out.setdefault(name, {"pages": len(rs)})
        t["t_total_mean"] = round(float(np.mean([r["t_total"] for r in rs])), 2)
        t["t_total_max"] = round(float(max(r["t_total"] for r in rs)), 2)
    return out


def print_table(records: list[dict[str, Any]], tot: dict[str, Any]) -> None:
    head = (f"{'collection':9} {'page':32} {'px':>11} {'reg':>4} {'col':>3} {'hl':>3} {'sepF':>7} {'gutF':>7} "
            f"{'match':>6} {'cover':>6} {'prec':>5} {'split':>5} {'merg':>4} {'lines':>5} {'order':>5} {'t(s)':>6}")
    print(head)
    print("-" * len(head))
    for r in records:
        sep = r.get("separators")
        sep_s = f"{sep['found']}/{sep['gt_vertical']}" if sep else ""
        gut = r.get("gutters")
        gut_s = f"{gut['found']}/{gut['gt']}" if gut else ""
        tx = r.get("text", {})
        lr = r.get("line_recall")
        ro = r.get("reading_order", {}).get("agreement")
        print(f"{r['collection']:9} {r['page'][:32]:32} {r['size'][0]:>5}x{r['size'][1]:<5} {r['regions']:>4} "
              f"{r['columns']:>3} {r['kinds'].get('headline', 0):>3} {sep_s:>7} {gut_s:>7} "
              f"{tx.get('matched_frac', 0):>6.2f} {tx.get('coverage', 0):>6.2f} {tx.get('precision', 0):>5.2f} "
              f"{tx.get('split', 0):>5} {tx.get('merging', 0):>4} "
              f"{'' if lr is None else f'{lr:.2f}':>5} {'' if ro is None else f'{ro:.2f}':>5} {r['t_total']:>6.2f}")
    g = tot.get("gbn")
    if g:
        print(f"\ngbn: column separators found {g['separators_found']}/{g['separators_gt']} = "
              f"{g['separators_found_frac']:.1%} (floor {SEPARATOR_FLOOR:.0%}: "
              f"{'met' if g['separator_floor_met'] else 'NOT met'}), of them not run across by our regions "
              f"{g['separators_separated']}; gutters between GT regions found "
              f"{g['gutters_found']}/{g['gutters_gt']} (not run across {g['gutters_separated']}); "
              f"text regions matched (IoU>=0.5) "
              f"{g['text_matched_frac']:.1%}, mean coverage {g['text_coverage_mean']:.1%}, "
              f"split {g['split']}, merging {g['merging']} (holding {g['merged']})")
    for name in COLLECTIONS:
        if name in tot:
            print(f"{name}: preprocess+analyze mean {tot[name]['t_total_mean']:.2f} s, max {tot[name]['t_total_max']:.2f} s")


def code_state() -> dict[str, Any]:
    """Which layout code was measured: the commit and a hash of the two
    layout files as they are on disk (they may differ from the commit)."""
    import hashlib
    import subprocess

    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=False).stdout.strip()
    files = [ROOT / "src" / "layoutkit" / n for n in ("layout.py", "preprocess.py")]
    digest = hashlib.sha1(b"".join(f.read_bytes() for f in files if f.is_file())).hexdigest()[:12]
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", *map(str, files)],
                           capture_output=True, text=True, check=False).stdout.strip() != ""
    return {"head": head, "layout_files_sha1": digest, "layout_files_modified": dirty}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "real", help="folder of real scans")
    ap.add_argument("--max-dpi", type=int, default=300, help="resize pages above this DPI (0 = full resolution)")
    ap.add_argument("--only", default=",".join(COLLECTIONS), help="comma-separated collections")
    ap.add_argument("--overlays", type=Path, help="write a downscaled overlay PNG per page here")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "real_layout.json")
    ap.add_argument("--experiment", choices=sorted(EXPERIMENTS), default="",
                    help="apply a proposed change to the image before preprocessing (evidence, not product code)")
    args = ap.parse_args(argv)
    if not args.real.is_dir():
        print(f"{args.real}: no such folder; pass --real with the folder of real scans", file=sys.stderr)
        return 2
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in EVALUATORS]
    if unknown:
        print(f"unknown collection(s) {', '.join(unknown)}: choose from {', '.join(COLLECTIONS)}", file=sys.stderr)
        return 2
    records: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for name in names:
        for rec in EVALUATORS[name](args.real, args.max_dpi, args.overlays, args.experiment):
            print(f"  {rec['collection']} {rec['page']}: {rec['t_total']:.2f} s", file=sys.stderr)
            records.append(rec)
    tot = totals(records)
    out = {
        "command": "scripts/eval_real_layout.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "max_dpi": args.max_dpi, "experiment": args.experiment or None, "code": code_state(), "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
        "wall_seconds": round(time.perf_counter() - t0, 1), "totals": tot, "pages": records,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(records, tot)
    print(f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
