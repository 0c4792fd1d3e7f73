"""``layoutkit repair INPUT.txt [-o OUT]``: break repair for text already extracted."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..errors import InputNotFound, OutputError
from ..export import atomic_write
from ..options import RepairOptions

log = logging.getLogger("layoutkit.repair")


@click.command()
@click.argument("input_path", metavar="INPUT", type=str)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Write the repaired text here (default: stdout).")
@click.option("--encoding", default="", help="Input encoding when not UTF-8 (e.g. gb18030, big5).")
@click.option("--lang", "language", default="", help="Text language: zh, en, de, fr (default: guessed).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="Also write every join (kind, left, right, reason, removed) and jump line as JSON here.")
@click.option("--no-join-columns", is_flag=True, help="Keep paragraphs cut by blank lines (column breaks) apart.")
@click.option("--no-join-lines", is_flag=True, help="Keep hard-wrapped lines apart.")
@click.option("--no-join-pages", is_flag=True, help="Do not join across form feeds (page breaks).")
@click.option("--keep-hyphens", is_flag=True, help="Never remove a line-end hyphen.")
@click.option("--keep-cjk-spaces", is_flag=True, help="Keep spaces between CJK characters.")
@click.option("--no-headlines", is_flag=True, help="Do not detect headlines and article boundaries.")
def command(input_path: str, output: str | None, encoding: str, language: str, json_path: str | None,
            no_join_columns: bool, no_join_lines: bool, no_join_pages: bool, keep_hyphens: bool,
            keep_cjk_spaces: bool, no_headlines: bool) -> None:
    """Repair column breaks, line wraps and hyphens in extracted text.

    INPUT is a text file with paragraphs separated by blank lines (``-`` for
    stdin).  Output: articles separated by one blank line, headline first,
    one paragraph per line.
    """
    from ..textrepair import TextRepairOptions, decode, joins_to_json, jumps_to_json, repair_text

    if input_path == "-":
        data = sys.stdin.buffer.read()
        source = "<stdin>"
    else:
        p = Path(input_path)
        if not p.is_file():
            raise InputNotFound(f"{input_path}: no such file; check the path")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputNotFound(f"{input_path}: cannot read ({exc.strerror}); check permissions") from None
        source = input_path
    text = decode(data, encoding, source)
    ro = replace(
        RepairOptions(),
        join_lines=not no_join_lines, join_columns=not no_join_columns, join_pages=not no_join_pages,
        dehyphenate=not keep_hyphens, remove_cjk_spaces=not keep_cjk_spaces, language=language,
    )
    result = repair_text(text, TextRepairOptions(repair=ro, headlines=not no_headlines))
    counts: dict[str, int] = {}
    for j in result.joins:
        counts[j.kind.value] = counts.get(j.kind.value, 0) + 1
    log.info("%s: %d articles; joins: %s", source, len(result.articles),
             ", ".join(f"{k}={v}" for k, v in sorted(counts.items())) or "none")
    if json_path:
        doc = {"source": source, "articles": len(result.articles), "joins": joins_to_json(result),
               "jumps": jumps_to_json(result)}
        atomic_write(json_path, (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    if output:
        atomic_write(output, result.text.encode("utf-8"))
    else:
        try:
            sys.stdout.buffer.write(result.text.encode("utf-8"))
            sys.stdout.flush()
        except OSError as exc:
            raise OutputError(f"stdout: cannot write ({exc}); redirect the output with -o") from None
