#!/usr/bin/env python3
"""Time every export format on a full 300-dpi newspaper page.

Builds a broadsheet-sized Chinese page (A4 at 300 dpi, 5 columns, about 4500
characters, word box per character, like Tesseract gives) by drawing real
text with PIL, so the searchable PDF re-reads and embeds a real page image.
Prints and writes ``bench/export.json``: median seconds per format over
``--repeat`` runs, the total for all formats, and - when the conversion
pipeline works (``--convert``) - the conversion time of the same page and
the share the exports add to it (the floor is 15%).

    .venv/bin/python scripts/bench_export.py [--repeat 5] [--convert] [--out bench/export.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from layoutkit.export import render  # noqa: E402
from layoutkit.model import (  # noqa: E402
    Article,
    BBox,
    Block,
    BlockKind,
    Document,
    Join,
    JoinKind,
    Line,
    Page,
    Paragraph,
    Word,
)

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
TEXT = ("本报讯记者从市园林局获悉今年全市计划新建和改造公园二十座新增绿地三百公顷。园林局负责人介绍新建公园将优先"
        "安排在老城区和人口密集的街道让居民出门五百米就能见到绿色部分公园还将增设健身步道和儿童游乐设施。")
FORMATS = ["txt", "json", "md", "alto", "page", "hocr", "pdf"]


def build_page(tmp: Path, dpi: int = 300) -> tuple[Document, Path]:
    w, h = 2480, 3508
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(FONT, 38, index=0)
    head = ImageFont.truetype(FONT, 90, index=0)
    blocks: list[Block] = []
    articles: list[Article] = []
    col_w, gutter, left = 440, 40, 60
    per_line = col_w // 38
    n = 0
    y0 = 80
    for a in range(3):  # three articles stacked, each 5 columns
        aid = f"a{a + 1}"
        n += 1
        hid = f"p1-b{n}"
        htext = f"第{a + 1}条新闻标题城市建设提速"
        x = left
        words = []
        for ch in htext:
            draw.text((x, y0), ch, font=head, fill=0)
            words.append(Word(ch, BBox(x, y0, x + 90, y0 + 90), 93.0))
            x += 90
        ln = Line(htext, BBox.enclosing(wd.bbox for wd in words), tuple(words), 93.0)
        blocks.append(Block(hid, BlockKind.HEADLINE, ln.bbox, (ln,), 0, 5, "zh"))
        ids = [hid]
        paras = []
        joins = []
        y_top = y0 + 130
        for c in range(5):
            n += 1
            bid = f"p1-b{n}"
            lines = []
            y = y_top
            for i in range(20):
                t = (TEXT * 3)[(i * per_line + c * 7) % len(TEXT):][:per_line]
                x = left + c * (col_w + gutter)
                ws = []
                for ch in t:
                    draw.text((x, y), ch, font=body, fill=0)
                    ws.append(Word(ch, BBox(x, y, x + 38, y + 38), 90.0))
                    x += 38
                lines.append(Line(t, BBox.enclosing(wd.bbox for wd in ws), tuple(ws), 90.0))
                y += 52
            blocks.append(Block(bid, BlockKind.BODY, BBox.enclosing(ln.bbox for ln in lines), tuple(lines), c, 1, "zh"))
            ids.append(bid)
            paras.append(Paragraph("".join(ln.text for ln in lines), BlockKind.BODY, (bid,)))
            if c:
                joins.append(Join(JoinKind.COLUMN, "左", "右", "bench", left_ref=ids[-2], right_ref=bid))
        articles.append(Article(aid, htext, tuple(paras), tuple(ids), tuple(joins), (1,)))
        y0 = y_top + 20 * 52 + 40
    src = tmp / "bench-page.png"
    img.save(src, dpi=(dpi, dpi))
    page = Page(1, w, h, dpi, tuple(blocks), engine="bench")
    return Document(str(src), (page,), tuple(articles)), src


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--convert", action="store_true", help="also time `convert_file` on the page (needs Tesseract)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "export.json"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        doc, src = build_page(Path(tmp))
        chars = sum(len(w.text) for b in doc.blocks() for ln in b.lines for w in ln.words)
        times: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for fmt in FORMATS:
            runs = []
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                data = render(doc, fmt, source=str(src))
                runs.append(time.perf_counter() - t0)
            times[fmt] = round(statistics.median(runs), 4)
            sizes[fmt] = len(data)
        result: dict[str, object] = {
            "page": {"width": 2480, "height": 3508, "dpi": 300, "characters": chars, "blocks": len(doc.pages[0].blocks)},
            "repeat": args.repeat,
            "seconds_per_format": times,
            "bytes_per_format": sizes,
            "seconds_all_formats": round(sum(times.values()), 4),
            "seconds_layout_formats": round(sum(times[f] for f in ("alto", "page", "hocr", "md", "pdf")), 4),
        }
        if args.convert:
            from layoutkit import convert_file

            t0 = time.perf_counter()
            convert_file(str(src))
            conv = time.perf_counter() - t0
            result["seconds_convert"] = round(conv, 3)
            result["exports_share_of_convert"] = round(sum(times.values()) / conv, 4)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
