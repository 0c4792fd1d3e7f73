#!/usr/bin/env python3
"""Generate synthetic newspaper fixtures (pages + ground truth) deterministically.

Examples:
  scripts/make_fixtures.py --out fixtures/pages --count 10 --seed 1
  scripts/make_fixtures.py --out /tmp/bench --count 24 --seed 100 --lang zh,en
  scripts/make_fixtures.py --samples samples/           # the bundled sample pages
  scripts/make_fixtures.py --text-cases fixtures/text --count 12 --seed 101
  scripts/make_fixtures.py --out fixtures/pdf --count 0 --seed 1 --pdf --pdf-born-digital-only
  scripts/make_fixtures.py --multipage fixtures/docs --seed 1

Page i of a run gets seed S+i, a language, a column count (3..6) and a
degradation chosen in rotation so every kind and language is covered.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import click  # noqa: E402

from layoutkit.synth import DEGRADATIONS  # noqa: E402
from layoutkit.synth.fixtures import (  # noqa: E402
    make_documents,
    make_pages,
    make_samples,
    make_text_cases,
)

ALL = [d for d in DEGRADATIONS if d != "scan"]


@click.command()
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), help="output directory for pages")
@click.option("--count", default=10, show_default=True, help="number of pages (or text cases)")
@click.option("--seed", default=1, show_default=True, help="first seed")
@click.option("--lang", "langs", default="zh,en", show_default=True, help="comma-separated languages")
@click.option("--degradations", default=",".join(ALL), show_default=True, help="comma-separated kinds")
@click.option("--columns", default="3,4,5,6", show_default=True, help="comma-separated column counts")
@click.option("--pdf", is_flag=True, help="also write born-digital, scanned and mixed PDFs")
@click.option("--pdf-born-digital-only", "pdf_bd_only", is_flag=True,
              help="with --pdf: skip scanned and mixed PDFs (keeps committed fixtures small)")
@click.option("--multipage", type=click.Path(file_okay=False, path_type=Path),
              help="write 2-page documents with jump lines (TIFF and PDF) here")
@click.option("--samples", type=click.Path(file_okay=False, path_type=Path), help="write the sample pages here")
@click.option("--expected", type=click.Path(dir_okay=False, path_type=Path),
              default=Path(__file__).resolve().parents[2] / "shared" / "seed" / "expected.txt",
              show_default=True, help="articles of the Chinese sample (text format)")
@click.option("--text-cases", "text_cases", type=click.Path(file_okay=False, path_type=Path),
              help="write text-only repair cases (.extracted.txt + .gt.txt) here")
def main(out: Path | None, count: int, seed: int, langs: str, degradations: str, columns: str, pdf: bool,
         pdf_bd_only: bool, multipage: Path | None, samples: Path | None, expected: Path, text_cases: Path | None) -> None:
    """Render synthetic newspaper pages from known text with ground truth."""
    lang_list = [x.strip() for x in langs.split(",") if x.strip()]
    deg_list = [x.strip() for x in degradations.split(",") if x.strip()]
    col_list = [int(x) for x in columns.split(",") if x.strip()]
    if not (out or samples or text_cases or multipage):
        raise click.UsageError("give at least one of --out, --samples, --text-cases, --multipage")
    if out:
        for p in make_pages(out, count, seed, lang_list, deg_list, col_list, pdf=pdf,
                            pdf_scanned=not pdf_bd_only):
            click.echo(str(p))
    if text_cases:
        for p in make_text_cases(text_cases, count, seed, lang_list):
            click.echo(str(p))
    if multipage:
        for p in make_documents(multipage, seed, lang_list):
            click.echo(str(p))
    if samples:
        for p in make_samples(samples, expected):
            click.echo(str(p))


if __name__ == "__main__":
    main()
