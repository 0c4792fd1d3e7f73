"""``layoutkit convert``: pages in, articles out."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..errors import LayoutkitError, UsageError
from ..export import parse_formats, render, write_outputs
from ..options import ConvertOptions, PreprocessOptions, RepairOptions

log = logging.getLogger("layoutkit.cli")


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", type=click.Path(path_type=Path),
              help="Write <stem>.<format> files here; without it the text goes to stdout.")
@click.option("-f", "--format", "formats", default="txt", show_default=True,
              help="Comma-separated: txt, json, md, alto, page, hocr, pdf.")
@click.option("-l", "--lang", "languages", default="chi_sim+eng", show_default=True,
              help="Tesseract languages, e.g. chi_sim+eng, chi_tra, eng, deu.")
@click.option("--dpi", type=click.IntRange(50, 1200), default=300, show_default=True,
              help="Resolution for rendering PDF pages.")
@click.option("--engine", default="tesseract", show_default=True,
              type=click.Choice(["tesseract", "rapidocr", "auto"]), help="OCR engine.")
@click.option("--ocr", "ocr_mode", default="auto", show_default=True, type=click.Choice(["auto", "always", "never"]),
              help="PDFs: use the text layer (auto/never) or OCR every page (always).")
@click.option("--timeout", type=float, default=0.0, help="Seconds allowed per page (0 = no limit).")
@click.option("--no-deskew", is_flag=True, help="Do not estimate and correct skew.")
@click.option("--no-binarize", is_flag=True, help="Do not flatten the background.")
@click.option("--no-despeckle", is_flag=True, help="Keep small specks.")
@click.option("--no-join-columns", is_flag=True, help="Keep a paragraph cut by a column end in two.")
@click.option("--keep-hyphens", is_flag=True, help="Keep line-end hyphens.")
@click.option("--debug-dir", type=click.Path(path_type=Path), help="Write a layout picture per page here.")
def command(inputs: tuple[Path, ...], outdir: Path | None, formats: str, languages: str, dpi: int,
            engine: str, ocr_mode: str, timeout: float, no_deskew: bool, no_binarize: bool,
            no_despeckle: bool, no_join_columns: bool, keep_hyphens: bool, debug_dir: Path | None) -> None:
    """Convert page images (PNG, JPEG, TIFF) and PDFs into articles.

    Exit codes: 0 ok, 2 usage, 3 missing file, 4 bad input, 5 engine or
    language missing, 6 processing failed, 7 output not writable.
    """
    from ..pipeline import convert_file

    fmts = parse_formats(formats)
    if outdir is None and len(fmts) > 1:
        raise UsageError("several formats need -o/--output DIR")
    if outdir is None and "pdf" in fmts:
        raise UsageError("--format pdf needs -o/--output DIR")
    opts = ConvertOptions(
        languages=languages,
        dpi=dpi,
        engine=engine,
        ocr=ocr_mode,
        timeout=timeout,
        preprocess=PreprocessOptions(deskew=not no_deskew, binarize=not no_binarize, despeckle=not no_despeckle),
        repair=RepairOptions(join_columns=not no_join_columns, dehyphenate=not keep_hyphens),
        debug_dir=str(debug_dir) if debug_dir else "",
    )
    failed: LayoutkitError | None = None
    for path in inputs:
        try:
            doc = convert_file(path, opts)
        except LayoutkitError as exc:
            if len(inputs) == 1:
                raise
            click.echo(f"layoutkit: error: {exc}", err=True)
            failed = failed or exc
            continue
        if debug_dir:
            from ..overlay import write_overlays

            write_overlays(doc, path, debug_dir, replace(opts))
        if outdir is None:
            sys.stdout.buffer.write(render(doc, fmts[0], source=str(path)))
            sys.stdout.flush()
        else:
            for p in write_outputs(doc, outdir, path.stem, fmts, source=str(path)):
                log.info("wrote %s", p)
    if failed is not None:
        sys.exit(failed.exit_code)
