"""``layoutkit batch``: convert many files in parallel, with a manifest and resume.

Exit codes: 0 every input converted (or unchanged and skipped); 1 some
inputs failed (each one is in the manifest with the reason); 2 usage error;
5 OCR engine or language data missing; 130 interrupted (run again with
``--resume``).
"""

from __future__ import annotations

import os
import sys

import click

from ..errors import UsageError
from ..options import ConvertOptions


def _default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # pragma: no cover - not Linux
        return max(os.cpu_count() or 1, 1)


def _preflight(engine: str, languages: str) -> None:
    """Fail once, early, when the engine or a language is missing (instead of once per file)."""
    from ..engines import get_engine

    eng = get_engine(engine, 1)
    eng.version()
    if engine == "tesseract":
        from ..engines.tesseract import check_languages

        check_languages(languages)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Output folder; outputs mirror the input tree, the manifest is written there.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores).")
@click.option("-f", "--format", "formats", default="txt,json", show_default=True,
              help="Comma-separated output formats.")
@click.option("--resume", is_flag=True,
              help="Skip inputs whose checksum and outputs match the manifest; redo the rest.")
@click.option("--scheduler", default="", metavar="tcp://HOST:PORT",
              help="Send the work to a Dask distributed scheduler instead of local workers.")
@click.option("--page-timeout", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Seconds allowed per page (a file gets pages x this); 0 = no limit.")
@click.option("-l", "--lang", "languages", default=ConvertOptions().languages, show_default=True,
              help="OCR languages, Tesseract style (chi_sim+eng).")
@click.option("--engine", default=ConvertOptions().engine, show_default=True, help="OCR engine.")
@click.option("--max-pages-per-worker", type=click.IntRange(min=0), default=50, show_default=True,
              help="Replace a worker process after this many pages (0 = never).")
@click.option("-q", "--quiet", is_flag=True, help="No progress; only the summary when something failed.")
@click.option("--log", "log_mode", type=click.Choice(["auto", "rich", "plain"]), default="auto", show_default=True,
              help="Progress style on stderr: a live bar (rich), one line per file (plain, for cron); "
                   "auto = rich on a terminal, plain otherwise.")
def command(
    inputs: tuple[str, ...], outdir: str, jobs: int | None, formats: str, resume: bool, scheduler: str,
    page_timeout: float, languages: str, engine: str, max_pages_per_worker: int, quiet: bool, log_mode: str,
) -> None:
    """Convert images and PDFs (files, folders, globs) into OUTDIR, in parallel.

    A manifest (layoutkit-manifest.jsonl) records every input; a bad file is
    recorded and the batch goes on.  Exit code 0: all ok; 1: some inputs
    failed; 2: usage error.
    """
    from ..batch.core import BatchConfig, run_batch
    from ..batch.progress import PlainReporter, QuietReporter, RichReporter
    from ..export import parse_formats

    fmts = tuple(parse_formats(formats))
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise UsageError(f"--scheduler {scheduler!r}: give an address like tcp://HOST:8786")
    if not scheduler:
        _preflight(engine, languages)
    opts = ConvertOptions(languages=languages, engine=engine, timeout=page_timeout, threads=1)
    config = BatchConfig(
        inputs=tuple(inputs), outdir=outdir, formats=fmts, jobs=jobs or _default_jobs(), resume=resume,
        scheduler=scheduler, page_timeout=page_timeout, max_pages_per_worker=max_pages_per_worker, options=opts,
    )
    if quiet:
        reporter: object = QuietReporter()
    elif log_mode == "plain" or (log_mode == "auto" and not sys.stderr.isatty()):
        reporter = PlainReporter()
    else:
        reporter = RichReporter()
    summary = run_batch(config, reporter)  # type: ignore[arg-type]
    from . import exit_with  # the cli package is still loading when this module is imported

    exit_with(1 if summary["files_failed"] else 0)
