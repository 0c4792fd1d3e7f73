"""``layoutkit eval OUTPUT GROUND_TRUTH``: score an output against its ground truth.

Exit codes: 0 all given thresholds met (or none given); 1 a threshold not
met (each named on stderr); 2 usage errors, including a missing or
unreadable input file (so CI can tell "worse" from "could not measure").
"""

from __future__ import annotations

import logging
from typing import Any

import click

from ..errors import BadInput, InputNotFound, UsageError
from ..export import atomic_write

_THRESHOLD_HELP = {
    "max_cer": "Fail (exit 1) when the character error rate (articles in any order) is above F.",
    "max_cer_nows": "Fail when the whitespace-insensitive character error rate is above F.",
    "max_wer": "Fail when the word error rate is above F.",
    "max_mean_article_cer": "Fail when the mean of the article error rates is above F.",
    "max_page_cer": "Fail when the whole-page (order-sensitive) character error rate is above F.",
    "min_intact": "Fail when the fraction of intact articles is below F.",
    "min_intact_nows": "Fail when the fraction of intact articles, whitespace ignored, is below F.",
    "min_breaks_repaired": "Fail when the fraction of column breaks repaired is below F.",
    "min_boundaries_kept": "Fail when the fraction of paragraph boundaries kept is below F.",
    "min_hyphens_right": "Fail when the fraction of line-end hyphens handled right is below F.",
    "min_break_hyphens_removed": "Fail when the fraction of break hyphens removed (words joined) is below F.",
    "min_compound_hyphens_kept": "Fail when the fraction of compound hyphens kept at line ends is below F.",
    "min_reading_order": "Fail when the reading-order score is below F.",
    "min_bag_recall": "Fail when the bag-of-characters recall is below F.",
    "max_cjk_spaces": "Fail when more than N spurious spaces sit between CJK characters.",
    "max_split": "Fail when more than N articles are split over several output articles.",
    "max_merged": "Fail when more than N articles share an output article with another.",
}

_SHOWN = ("cer", "cer_nows", "wer", "intact", "articles", "articles_missing", "articles_split",
          "articles_merged", "reading_order", "breaks_repaired", "boundaries_kept", "hyphens_right",
          "break_hyphens_removed", "compound_hyphens_kept",
          "bag_recall", "cjk_spaces", "page_cer")


def _thresholds(f: Any) -> Any:
    for name in reversed(list(_THRESHOLD_HELP)):
        typ = click.INT if name in ("max_cjk_spaces", "max_split", "max_merged") else click.FLOAT
        meta = "N" if typ is click.INT else "F"
        f = click.option("--" + name.replace("_", "-"), name, type=typ, default=None, metavar=meta,
                         help=_THRESHOLD_HELP[name])(f)
    return f


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4f}"
    return str(v)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("output", metavar="OUTPUT")
@click.argument("ground_truth", metavar="GROUND_TRUTH")
@click.option("--report", "report_path", metavar="FILE.html", help="Write the HTML report here.")
@click.option("--json", "json_path", metavar="FILE.json",
              help="Write the JSON summary here ('-' for stdout instead of the text summary).")
@click.option("--diff-in-json", is_flag=True, help="Include each article's alignment in the JSON.")
@click.option("--intact-threshold", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="An article is intact when its error rate is below this.")
@click.option("--words", type=click.Choice(["auto", "cjk", "latin"]), default="auto", show_default=True,
              help="Word rule for the WER: jieba segmentation (cjk), letter runs (latin), or by the text.")
@_thresholds
def command(output: str, ground_truth: str, report_path: str | None, json_path: str | None,
            diff_in_json: bool, intact_threshold: float, words: str, **thresholds: float | None) -> None:
    """Compare OUTPUT with GROUND_TRUTH, article by article.

    OUTPUT: layoutkit text (.txt) or JSON output, or PAGE/ALTO XML.
    GROUND_TRUTH: a fixture *.gt.json, text in the text format, PAGE XML or ALTO.
    Two folders: files paired by stem (x.txt / x.json with x.gt.json / x.gt.txt /
    x.xml), one summary over all of them.

    Exit 1 when a threshold given here is not met, 2 on usage errors.
    """
    from ..qa import EvalOptions, evaluate
    from ..qa import report as rep

    logging.getLogger("jieba").setLevel(logging.WARNING)
    opts = EvalOptions(intact_threshold=intact_threshold,
                       cjk={"auto": None, "cjk": True, "latin": False}[words])
    try:
        result = evaluate(output, ground_truth, opts)
    except (InputNotFound, BadInput) as exc:
        raise UsageError(str(exc)) from None
    given = {k: v for k, v in thresholds.items() if v is not None}
    failed = result.failed(given)

    if report_path:
        atomic_write(report_path, rep.to_html(result, given))
    if json_path and json_path != "-":
        atomic_write(json_path, rep.to_json(result, given, diff_in_json, intact_threshold))
    if json_path == "-":
        click.echo(rep.to_json(result, given, diff_in_json, intact_threshold).decode("utf-8"), nl=False)
    else:
        s = result.summary
        if result.directory:
            click.echo(f"pages\t{len(result.pages)}")
        for key in _SHOWN:
            click.echo(f"{key}\t{_fmt(s[key])}")
    for path in result.missing_outputs:
        click.echo(f"layoutkit: eval: no output for {path} (scored as empty)", err=True)
    for path in result.unpaired_outputs:
        click.echo(f"layoutkit: eval: no ground truth for {path} (ignored)", err=True)
    for line in failed:
        click.echo(f"layoutkit: eval: threshold not met: {line}", err=True)
    # imported here: cli/__init__ defines exit_with after loading the subcommands
    from . import exit_with

    exit_with(1 if failed else 0)
