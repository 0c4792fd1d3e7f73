#!/usr/bin/env python3
"""Speed of the PDF text-layer path next to ``pdftotext`` on the same pages.

For every page of every PDF given (default: a generated dense A3 newspaper
page, 6 columns of 9 pt CJK text, one page per string mode), it times

* ``pdftotext -f N -l N -layout FILE -`` (a process per page, as a user runs it),
* layoutkit's text-layer path for that page (open, chars, ink check, lines,
  blocks; what ``layoutkit convert`` does for a born-digital page, minus
  articles/repair),

takes the best of ``--repeat`` runs of each (wall time, and CPU time: the
process's own for layoutkit, the child's user+sys for pdftotext -- on a
shared, loaded machine the CPU ratio is the reproducible one), and writes
``bench/pdf.json`` with per-page figures and the floor verdicts (<= 0.5 s
per page, <= 10x pdftotext).  Exit status 1 when a floor is missed.

    PYTHONPATH=src .venv/bin/python scripts/bench_pdf.py [--repeat 3] [FILE.pdf ...]
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SENTENCES = [
    "区委常委会召开会议，传达学习习近平总书记近期重要讲话重要指示精神。",
    "会议强调，全区上下要切实把思想和行动统一到重要讲话和重要指示精神上来。",
    "要深刻把握新时代做好经济工作“五个必须”的规律性认识，结合实际谋准、谋深、谋实明年各项工作任务。",
    "着力强内需扩开放、谋创新促转型、抓融合优生态、防风险惠民生，持续推动经济实现质的有效提升。",
    "本报讯（记者 吴梦婷）12月23日，市委常委、区委书记主持会议，区委副书记、区长等参加会议。",
    "要切实增强做好低温冰冻天气防御工作的责任感使命感紧迫感，全力保障群众生命财产安全。",
]


def make_dense_page(path: Path, per_char: bool, seed: int = 1) -> Path:
    """An A3 page: 6 columns of 9 pt text under three 2-column headlines."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", CJK_FONT, subfontIndex=0))
    rnd = random.Random(seed)
    W, H = 842, 1191
    c = canvas.Canvas(str(path), pagesize=(W, H))
    size, lead, ncols, margin, gutter = 9.0, 12.6, 6, 36, 12
    col_w = (W - 2 * margin - (ncols - 1) * gutter) / ncols
    per_line = int(col_w // size)
    c.setFont("WQY", 48)
    c.drawString(margin, H - 80, "某某日报")
    c.setLineWidth(1)
    c.line(margin, H - 95, W - margin, H - 95)
    for art in range(3):
        x0 = margin + art * 2 * (col_w + gutter)
        c.setFont("WQY", 22)
        c.drawString(x0, H - 130, "".join(rnd.sample("经济工作会议召开全年目标任务完成", 9)))
        text = "".join(rnd.choice(SENTENCES) for _ in range(40))
        y, col = H - 160, 0
        for i in range(0, len(text), per_line):
            line = text[i:i + per_line]
            x = x0 + col * (col_w + gutter)
            c.setFont("WQY", size)
            if per_char:
                for ch in line:
                    c.drawString(x, y, ch)
                    x += stringWidth(ch, "WQY", size)
            else:
                c.drawString(x, y, line)
            y -= lead
            if y < margin:
                if col == 1:
                    break
                y, col = H - 160, col + 1
        if art < 2:
            xr = x0 + 2 * col_w + 1.5 * gutter
            c.line(xr, H - 110, xr, margin)
    c.showPage()
    c.save()
    return path


def n_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_pdftotext(path: Path, page: int, repeat: int) -> tuple[float, float, int]:
    """Best wall and best CPU seconds of ``pdftotext`` on one page, and its token count."""
    best, best_cpu, out = float("inf"), float("inf"), b""
    for _ in range(repeat):
        t, c = time.perf_counter(), _child_cpu()
        out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(path), "-"],
                             check=True, capture_output=True).stdout
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, _child_cpu() - c)
    return best, best_cpu, len(out.decode("utf-8", "replace").split())


def time_layoutkit(path: Path, page: int, repeat: int) -> tuple[float, float, dict[str, object]]:
    """Best wall and best CPU seconds of the text-layer path on one page."""
    from layoutkit.options import ConvertOptions
    from layoutkit.textlayer import _EngineHolder, _one_page, open_document

    opts = ConvertOptions()
    best, best_cpu, info = float("inf"), float("inf"), {}
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        doc = open_document(path)
        try:
            pg = _one_page(doc, page - 1, path, opts, "auto", _EngineHolder(opts, None))
        finally:
            doc.close()  # type: ignore[attr-defined]
        dt = time.perf_counter() - t
        best_cpu = min(best_cpu, time.process_time() - c)
        if dt < best:
            best = dt
            info = {
                "path": pg.path,
                "message": pg.message,
                "blocks": len(pg.blocks),
                "lines": sum(len(b.lines) for b in pg.blocks),
                "chars": sum(len(b.text) for b in pg.blocks),
                "timings": {k: round(v, 4) for k, v in pg.timings},
            }
    return best, best_cpu, info


@click.command()
@click.argument("pdfs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--repeat", default=3, show_default=True, help="runs per measurement (best is kept)")
@click.option("--out", "out_path", default=Path("bench/pdf.json"), type=click.Path(path_type=Path),
              show_default=True)
@click.option("--max-seconds", default=0.5, show_default=True, help="floor: seconds per born-digital page")
@click.option("--max-ratio", default=10.0, show_default=True, help="floor: times pdftotext")
def main(pdfs: tuple[Path, ...], repeat: int, out_path: Path, max_seconds: float, max_ratio: float) -> None:
    if shutil.which("pdftotext") is None:
        raise click.ClickException("pdftotext not found; install poppler-utils")
    tmp = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    files = list(pdfs) or [make_dense_page(tmp / "dense-per-line.pdf", False),
                           make_dense_page(tmp / "dense-per-char.pdf", True)]
    # warm up imports and fonts so the first page is not charged for them
    time_layoutkit(files[0], 1, 1)
    rows = []
    for f in files:
        for p in range(1, n_pages(f) + 1):
            t_ref, c_ref, n_words = time_pdftotext(f, p, repeat)
            t_lk, c_lk, info = time_layoutkit(f, p, repeat)
            ratio = t_lk / t_ref if t_ref > 0 else float("inf")
            ratio_cpu = c_lk / c_ref if c_ref > 0 else float("inf")
            rows.append({"file": f.name, "page": p, "pdftotext_s": round(t_ref, 4), "layoutkit_s": round(t_lk, 4),
                         "ratio": round(ratio, 2), "pdftotext_cpu_s": round(c_ref, 4),
                         "layoutkit_cpu_s": round(c_lk, 4), "ratio_cpu": round(ratio_cpu, 2),
                         "pdftotext_tokens": n_words, **info})
            click.echo(f"{f.name:>28} p{p:<3} wall: pdftotext {t_ref * 1000:6.1f} ms  layoutkit {t_lk * 1000:6.1f} ms"
                       f"  x{ratio:4.1f} | cpu: {c_ref * 1000:6.1f} ms  {c_lk * 1000:6.1f} ms  x{ratio_cpu:4.1f}"
                       f"  {info.get('path')}  {info.get('chars')} chars", err=True)
    text_pages = [r for r in rows if r.get("path") == "text-layer"]
    worst_s = max((r["layoutkit_s"] for r in text_pages), default=0.0)
    worst_ratio = max((r["ratio"] for r in text_pages), default=0.0)
    worst_cpu_ratio = max((r["ratio_cpu"] for r in text_pages), default=0.0)
    summary = {
        "pages": len(rows),
        "text_layer_pages": len(text_pages),
        "max_layoutkit_s": worst_s,
        "max_ratio": worst_ratio,
        "max_ratio_cpu": worst_cpu_ratio,
        "load_average": os.getloadavg()[0],
        "floor_seconds": max_seconds,
        "floor_ratio": max_ratio,
        "seconds_ok": worst_s <= max_seconds,
        "ratio_ok": worst_ratio <= max_ratio,
        "ratio_cpu_ok": worst_cpu_ratio <= max_ratio,
        "repeat": repeat,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps({"summary": summary, "pages": rows}, ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")
    click.echo(json.dumps(summary, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if summary["seconds_ok"] and summary["ratio_ok"] else 1)


if __name__ == "__main__":
    main()
