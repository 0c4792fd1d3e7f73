"""``layoutkit layout``: a picture of the blocks found on a page (no OCR)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import UsageError


@click.command()
@click.argument("page", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Overlay PNG to write (default: <stem>.layout.png beside the input's name in the current folder).")
@click.option("--page-number", type=int, default=1, show_default=True, help="Page of a multi-page input.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=300, show_default=True, help="PDF render resolution.")
@click.option("--json", "as_json", is_flag=True, help="Also print the blocks as JSON on stdout.")
def command(page: Path, output: Path | None, page_number: int, dpi: int, as_json: bool) -> None:
    """Draw the detected blocks on PAGE, coloured by kind and by article,
    numbered in reading order."""
    import cv2

    from ..articles import group_blocks
    from ..export import atomic_write
    from ..layout import analyze
    from ..model import Block, Page
    from ..overlay import draw
    from ..preprocess import preprocess
    from ..sources import load_pages

    for p in load_pages(page, dpi):
        if p.number != page_number:
            continue
        prep = preprocess(p.image, p.dpi, dpi_known=p.dpi_known)
        lay = analyze(prep, page_number=p.number)
        blocks = tuple(
            Block(f"p{p.number}-b{i + 1}", r.kind, r.bbox, (), r.column, r.span, vertical=r.vertical)
            for i, r in enumerate(lay.regions)
        )
        h, w = prep.gray.shape
        pg = Page(p.number, w, h, prep.dpi, blocks, skew=prep.angle)
        article_of = {b.id: i for i, g in enumerate(group_blocks([pg])) for b in g.blocks}
        img = draw(prep.gray, blocks, article_of)
        target = output or Path(f"{page.stem}.layout.png")
        ok, buf = cv2.imencode(".png", img)
        atomic_write(target, buf.tobytes())
        click.echo(f"layoutkit: {len(blocks)} blocks, {len(set(article_of.values()))} articles, "
                   f"skew {prep.angle:.2f}°, columns {len(lay.columns)} -> {target}", err=True)
        if as_json:
            json.dump([{"id": b.id, "kind": b.kind.value, "bbox": list(b.bbox.as_tuple()),
                        "article": article_of.get(b.id), "column": b.column, "span": b.span} for b in blocks],
                      sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        return
    raise UsageError(f"{page}: has no page {page_number}")
