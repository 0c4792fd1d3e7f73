#!/usr/bin/env python3
"""``layoutkit convert`` against plain Tesseract, side by side, on scanned 300-dpi pages.

Pages: the bundled ``samples/sample-zh.png`` (and ``samples/sample-en.png`` in
the full run) plus pages rendered by ``scripts/make_fixtures.py`` (Chinese and
English, 300-dpi degradations only: clean, noise, blur, skew, jpeg, lighting,
binarized), cached in ``--work``.  Extra page images can be given as arguments.

For every page and every repeat, three commands run one after the other (so a
burst of load from a teammate hits all three alike), each in a fresh child
process reaped with ``os.wait4`` so its wall time (s), CPU time (user + system
s) and peak resident memory (ru_maxrss, MB) are its own (Linux starts a
child's ru_maxrss at the spawning parent's high-water mark, so this script
stays small; ``machine.bench_parent_rss_mb`` records that lower bound):

* ``layoutkit convert PAGE -o TMP --format txt,json`` (default languages for
  Chinese pages, ``--lang eng`` for English ones).  The JSON is where the
  per-stage timings come from (``pages[].timings``: preprocess, layout,
  recognize seconds); writing it costs ~0.15 s per page (bench/export.json),
  so the ratio below is slightly pessimistic for layoutkit.
* ``tesseract PAGE - -l chi_sim --psm 3`` (``-l eng`` for English pages): the
  issue's baseline, with Tesseract's default OpenMP threads (2 on this box).
* the same with ``OMP_THREAD_LIMIT=1``: OpenMP threads distort Tesseract's
  wall time on a busy 2-core machine, so both baselines are reported.

Per page the best (lowest wall) of ``--repeat`` runs of each command is kept.
Summary: median over pages of layoutkit wall / the faster of the two Tesseract
walls (floor <= 1.3, issue 2; judged against the faster one so that an OpenMP
slowdown of the baseline on a busy machine cannot flatter layoutkit), the
ratios against each baseline and in CPU time beside it, peak RSS
(floor < 800 MB), and the share of the page's processing time spent outside
OCR (preprocess + layout over preprocess + layout + recognize; floor < 10%,
issue 3) with the layout stage alone beside it.  A page on which ``layoutkit
convert`` fails is recorded with its error and left out of the ratios.

Writes ``--out`` (default bench/results.json): machine (cpus, load average at
start and end, versions, git commit), per-page rows, summary with floors.
Exit status 0 even when a floor is missed (the summary says so); 2 on a
benchmark setup error.

    .venv/bin/python scripts/bench_convert.py [--quick] [--zh N] [--en N] [--repeat R] [PAGE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_PY = ROOT / ".venv" / "bin" / "python"
#: degradations that keep the page at 300 dpi (``lowres`` renders at 200 dpi)
DEGRADATIONS_300 = ("clean", "noise", "blur", "skew", "jpeg", "lighting", "binarized")
FLOOR_RATIO = 1.3
FLOOR_PEAK_MB = 800.0
FLOOR_NONOCR_SHARE = 0.10


class BenchError(Exception):
    """A benchmark setup problem (missing program, page generation failed)."""


# ------------------------------------------------------------------ children
def run_measured(cmd: list[str], *, env: dict[str, str] | None, stdout: Path, stderr: Path,
                 timeout: float) -> dict[str, Any]:
    """Run ``cmd`` in a fresh child; return wall/CPU seconds, peak RSS (MB), exit code.

    The child is reaped with ``os.wait4`` so the resource usage is that of this
    child (and the grandchildren it waited for) only; ``ru_maxrss`` is in KiB on
    Linux.  A child still running after ``timeout`` seconds is killed.
    """
    with open(stdout, "wb") as out, open(stderr, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=ROOT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    proc.returncode = rc  # reaped here: keep Popen from waiting again
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
        "user_s": round(ru.ru_utime, 3),
        "sys_s": round(ru.ru_stime, 3),
        "peak_rss_mb": round(ru.ru_maxrss / 1024, 1),
        "exit_code": rc,
        "timed_out": wall >= timeout and rc < 0,
    }


def last_error_line(path: Path) -> str:
    """The last non-empty line of a child's stderr (the one-line error), or ''."""
    try:
        lines = [ln.strip() for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return ""
    return lines[-1][:300] if lines else ""


def ink_chars(text: str) -> int:
    """Number of non-whitespace characters (a sanity figure: did the run read anything)."""
    return sum(1 for c in text if not c.isspace())


# ------------------------------------------------------------------ pages
def generated_pages(work: Path, lang: str, count: int, seed: int, first_kind: int) -> list[Path]:
    """``count`` pages of ``lang`` from scripts/make_fixtures.py, generated once into ``work``.

    The generator cycles through the degradation list page by page; the list
    starts at ``DEGRADATIONS_300[first_kind]`` so that even a one-page quick
    run of each language gets a different degradation.
    """
    if count <= 0:
        return []
    kinds = DEGRADATIONS_300[first_kind:] + DEGRADATIONS_300[:first_kind]
    folder = work / f"{lang}-n{count}-s{seed}-{kinds[0]}"
    pages = sorted(folder.glob("*.png"))
    if len(pages) < count:
        folder.mkdir(parents=True, exist_ok=True)
        cmd = [str(VENV_PY), str(ROOT / "scripts" / "make_fixtures.py"), "--out", str(folder),
               "--count", str(count), "--seed", str(seed), "--lang", lang,
               "--degradations", ",".join(kinds)]
        print(f"bench_convert: generating {count} {lang} page(s) into {folder}", file=sys.stderr)
        res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        if res.returncode != 0:
            raise BenchError(f"scripts/make_fixtures.py failed for {lang}: {last_line(res.stderr)}")
        pages = sorted(folder.glob("*.png"))
    return pages[:count]


def last_line(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "(no message)"


def page_lang(path: Path) -> str:
    """'en' for pages named en-* or *-en.*, else 'zh'."""
    name = path.name
    return "en" if name.startswith("en-") or "-en." in name else "zh"


# ------------------------------------------------------------------ one page
def layoutkit_cmd(page: Path, outdir: Path, lang: str) -> list[str]:
    cmd = [str(ROOT / ".venv" / "bin" / "layoutkit"), "convert", str(page), "-o", str(outdir),
           "--format", "txt,json"]
    if lang == "en":
        cmd += ["--lang", "eng"]
    return cmd


def tesseract_cmd(page: Path, lang: str) -> list[str]:
    return ["tesseract", str(page), "-", "-l", "eng" if lang == "en" else "chi_sim", "--psm", "3"]


def bench_page(page: Path, repeat: int, tmp: Path, timeout: float) -> dict[str, Any]:
    """Measure layoutkit and both Tesseract baselines on one page, ``repeat`` interleaved rounds."""
    lang = page_lang(page)
    env_lk = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env_t = {k: v for k, v in os.environ.items() if k not in ("OMP_THREAD_LIMIT", "OMP_NUM_THREADS")}
    env_t1 = {**env_t, "OMP_THREAD_LIMIT": "1"}
    runs: dict[str, list[dict[str, Any]]] = {"layoutkit": [], "tesseract": [], "tesseract_1thread": []}
    row: dict[str, Any] = {"page": str(page.relative_to(ROOT) if page.is_relative_to(ROOT) else page),
                           "lang": lang}
    try:
        from PIL import Image

        with Image.open(page) as im:
            row["size_px"] = list(im.size)
            dpi = im.info.get("dpi")
            row["dpi"] = round(float(dpi[0])) if dpi else None
    except Exception as exc:  # noqa: BLE001 - informative only
        row["size_px"] = None
        row["dpi"] = None
        row["image_error"] = str(exc)
    row["commands"] = {"layoutkit": " ".join(layoutkit_cmd(page, Path("TMP"), lang)[1:]).replace(str(ROOT) + "/", ""),
                       "tesseract": " ".join(tesseract_cmd(page, lang)).replace(str(ROOT) + "/", "")}
    for r in range(repeat):
        outdir = tmp / f"lk-{page.stem}-{r}"
        outdir.mkdir(parents=True, exist_ok=True)
        m = run_measured(layoutkit_cmd(page, outdir, lang), env=env_lk, stdout=outdir / "stdout",
                         stderr=outdir / "stderr", timeout=timeout)
        m["load_1min"] = round(os.getloadavg()[0], 2)
        if m["exit_code"] != 0:
            m["error"] = last_error_line(outdir / "stderr") or f"exit code {m['exit_code']}"
        else:
            jpath, tpath = outdir / f"{page.stem}.json", outdir / f"{page.stem}.txt"
            try:
                doc = json.loads(jpath.read_text(encoding="utf-8"))
                pg = doc["pages"][0]
                m["timings"] = {k: float(v) for k, v in pg.get("timings", {}).items()}
                m["page_status"] = pg.get("status")
                m["articles"] = len(doc.get("articles", []))
                m["chars"] = ink_chars(tpath.read_text(encoding="utf-8"))
                if pg.get("status") == "failed":  # exit 0, but the page was given up
                    m["error"] = f"page failed: {pg.get('message') or '(no message)'}"
            except (OSError, ValueError, KeyError, IndexError) as exc:
                m["error"] = f"output unreadable: {exc}"
        runs["layoutkit"].append(m)
        for key, env in (("tesseract", env_t), ("tesseract_1thread", env_t1)):
            o = tmp / f"{key}-{page.stem}-{r}.txt"
            m = run_measured(tesseract_cmd(page, lang), env=env, stdout=o, stderr=o.with_suffix(".err"),
                             timeout=timeout)
            m["load_1min"] = round(os.getloadavg()[0], 2)
            if m["exit_code"] != 0:
                m["error"] = last_error_line(o.with_suffix(".err")) or f"exit code {m['exit_code']}"
            else:
                m["chars"] = ink_chars(o.read_text(encoding="utf-8", errors="replace"))
            runs[key].append(m)
        shutil.rmtree(outdir, ignore_errors=True)
    for key, ms in runs.items():
        ok = [m for m in ms if "error" not in m]
        best = min(ok, key=lambda m: m["wall_s"]) if ok else ms[-1]
        row[key] = {**best, "walls_s": [m["wall_s"] for m in ms]}
    lk, t, t1 = row["layoutkit"], row["tesseract"], row["tesseract_1thread"]
    if "error" not in lk and "error" not in t and "error" not in t1:
        row["ratio_wall"] = round(lk["wall_s"] / t["wall_s"], 3)
        row["ratio_wall_1thread"] = round(lk["wall_s"] / t1["wall_s"], 3)
        row["ratio_wall_vs_faster"] = round(lk["wall_s"] / min(t["wall_s"], t1["wall_s"]), 3)
        row["ratio_cpu"] = round(lk["cpu_s"] / max(t["cpu_s"], 1e-3), 3)
        row["ratio_cpu_1thread"] = round(lk["cpu_s"] / max(t1["cpu_s"], 1e-3), 3)
        tm = lk.get("timings", {})
        stages = sum(tm.values())
        if stages > 0:
            row["layout_s"] = round(tm.get("layout", 0.0), 3)
            row["nonocr_share"] = round((tm.get("preprocess", 0.0) + tm.get("layout", 0.0)) / stages, 4)
            row["layout_share_of_wall"] = round(tm.get("layout", 0.0) / lk["wall_s"], 4)
    return row


# ------------------------------------------------------------------ summary
def median(xs: list[float]) -> float | None:
    return round(statistics.median(xs), 3) if xs else None


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the pages that ran, floor verdicts (None when nothing measured)."""
    good = [r for r in rows if "ratio_wall" in r]
    failed = [{"page": r["page"], "error": r["layoutkit"].get("error") or r["tesseract"].get("error")
               or r["tesseract_1thread"].get("error")} for r in rows if "ratio_wall" not in r]
    # the floor is judged against the faster of the two baselines: on a loaded 2-core box
    # Tesseract's OpenMP threads can make the default run several times slower, which
    # would flatter layoutkit
    ratio = median([r["ratio_wall_vs_faster"] for r in good])
    cpu1 = median([r["ratio_cpu_1thread"] for r in good])
    lk_peaks = [r["layoutkit"]["peak_rss_mb"] for r in rows if "error" not in r["layoutkit"]]
    peak = max(lk_peaks) if lk_peaks else None
    shares = [r["nonocr_share"] for r in good if "nonocr_share" in r]
    share = median(shares)
    return {
        "pages": len(rows),
        "pages_measured": len(good),
        "pages_failed": failed,
        "median_ratio_wall_vs_faster": ratio,
        "median_ratio_wall": median([r["ratio_wall"] for r in good]),
        "median_ratio_wall_1thread": median([r["ratio_wall_1thread"] for r in good]),
        "median_ratio_cpu": median([r["ratio_cpu"] for r in good]),
        "median_ratio_cpu_1thread": median([r["ratio_cpu_1thread"] for r in good]),
        "max_ratio_wall_vs_faster": max((r["ratio_wall_vs_faster"] for r in good), default=None),
        "median_layoutkit_wall_s": median([r["layoutkit"]["wall_s"] for r in good]),
        "median_tesseract_wall_s": median([r["tesseract"]["wall_s"] for r in good]),
        "median_tesseract_1thread_wall_s": median([r["tesseract_1thread"]["wall_s"] for r in good]),
        "peak_rss_mb_layoutkit": peak,
        "peak_rss_mb_tesseract": max((r["tesseract"]["peak_rss_mb"] for r in rows), default=None),
        "median_layout_s": median([r["layout_s"] for r in good if "layout_s" in r]),
        "median_nonocr_share": share,
        "max_nonocr_share": max(shares, default=None),
        "median_layout_share_of_wall": median([r["layout_share_of_wall"] for r in good
                                               if "layout_share_of_wall" in r]),
        "floors": {
            "ratio_wall_vs_faster": {"value": ratio, "floor": f"<= {FLOOR_RATIO}", "issue": 2,
                           "pass": None if ratio is None else ratio <= FLOOR_RATIO},
            # CPU seconds against the 1-thread baseline (no OpenMP spinning): much less
            # sensitive to other load on the machine than wall time
            "ratio_cpu_1thread": {"value": cpu1, "floor": f"<= {FLOOR_RATIO}", "issue": 2,
                                  "pass": None if cpu1 is None else cpu1 <= FLOOR_RATIO},
            "peak_rss_mb": {"value": peak, "floor": f"< {FLOOR_PEAK_MB:g}", "issue": 2,
                            "pass": None if peak is None else peak < FLOOR_PEAK_MB},
            "nonocr_share": {"value": share, "floor": f"< {FLOOR_NONOCR_SHARE:g}", "issue": 3,
                             "pass": None if share is None else share < FLOOR_NONOCR_SHARE},
        },
    }


def machine_info() -> dict[str, Any]:
    def out(cmd: list[str]) -> str:
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30, cwd=ROOT)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return ""

    lk_version = out([str(VENV_PY), "-c", "import layoutkit; print(layoutkit.__version__)"])
    dirty = out(["git", "status", "--porcelain", "--untracked-files=no", "src"])
    return {
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tesseract": out(["tesseract", "--version"]),
        "layoutkit": lk_version,
        "git_commit": out(["git", "rev-parse", "--short", "HEAD"]) + ("+dirty src" if dirty else ""),
    }


# ------------------------------------------------------------------ main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=Path, help="extra page images (named en-* for English)")
    ap.add_argument("--quick", action="store_true", help="sample-zh + 1 zh + 1 en page, 1 repeat")
    ap.add_argument("--zh", type=int, help="generated Chinese pages (full: 4, quick: 1)")
    ap.add_argument("--en", type=int, help="generated English pages (full: 4, quick: 1)")
    ap.add_argument("--repeat", type=int, help="interleaved rounds per page, best kept (full: 2, quick: 1)")
    ap.add_argument("--seed", type=int, default=501, help="first seed of the generated pages")
    ap.add_argument("--no-samples", action="store_true", help="leave out the bundled samples/ pages")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per run before it is killed")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "layoutkit-bench-convert",
                    help="cache for generated pages and scratch output")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    a = ap.parse_args(argv)
    n_zh = a.zh if a.zh is not None else (1 if a.quick else 4)
    n_en = a.en if a.en is not None else (1 if a.quick else 4)
    repeat = a.repeat if a.repeat is not None else (1 if a.quick else 2)

    try:
        if not shutil.which("tesseract"):
            raise BenchError("the tesseract program is missing: run scripts/setup")
        if not (ROOT / ".venv" / "bin" / "layoutkit").exists():
            raise BenchError(".venv/bin/layoutkit is missing: run scripts/setup")
        machine = machine_info()
        pages: list[Path] = []
        if not a.no_samples:
            pages.append(ROOT / "samples" / "sample-zh.png")
            if not a.quick:
                pages.append(ROOT / "samples" / "sample-en.png")
        pages += generated_pages(a.work / "pages", "zh", n_zh, a.seed, 1)
        pages += generated_pages(a.work / "pages", "en", n_en, a.seed + 100, 4)
        pages += [p.resolve() for p in a.pages]
        missing = [str(p) for p in pages if not p.is_file()]
        if missing:
            raise BenchError(f"page not found: {missing[0]}")
    except BenchError as exc:
        print(f"bench_convert: error: {exc}", file=sys.stderr)
        return 2

    scratch = a.work / "runs"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, page in enumerate(pages, 1):
        print(f"bench_convert: [{i}/{len(pages)}] {page.name} (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
        row = bench_page(page, repeat, scratch, a.timeout)
        lk, t, t1 = row["layoutkit"], row["tesseract"], row["tesseract_1thread"]
        if "error" in lk:
            print(f"  layoutkit FAILED: {lk['error']}", file=sys.stderr)
        print(f"  layoutkit {lk['wall_s']:.1f}s ({lk['peak_rss_mb']:.0f} MB)  tesseract {t['wall_s']:.1f}s"
              f"  1-thread {t1['wall_s']:.1f}s  ratio vs faster {row.get('ratio_wall_vs_faster', '-')}",
              file=sys.stderr)
        rows.append(row)
    machine["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    # a child's ru_maxrss starts at its parent's high-water mark (the exec'd mm was
    # the parent's): no peak below can read lower than this figure
    machine["bench_parent_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result = {
        "what": "layoutkit convert vs plain tesseract --psm 3 on scanned pages, side by side "
                "(scripts/bench_convert.py; see its docstring)",
        "mode": "quick" if a.quick else "full",
        "repeat": repeat,
        "machine": machine,
        "summary": summarize(rows),
        "pages": rows,
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = a.out.with_suffix(".json.tmp")
    tmp_out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp_out.replace(a.out)
    s = result["summary"]
    print(f"bench_convert: wrote {a.out}: median wall ratio {s['median_ratio_wall_vs_faster']} vs the faster "
          f"baseline (default tesseract {s['median_ratio_wall']}, 1-thread {s['median_ratio_wall_1thread']}, "
          f"CPU vs 1-thread {s['median_ratio_cpu_1thread']}), peak {s['peak_rss_mb_layoutkit']} MB, "
          f"non-OCR share {s['median_nonocr_share']}, failed pages {len(s['pages_failed'])}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
