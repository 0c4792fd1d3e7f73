"""Reports of an evaluation: a JSON summary for machines, an HTML page for people.

JSON (``schema: layoutkit-eval/1``), stable keys::

    {"schema", "generator", "alignment", "word_segmentation", "intact_threshold",
     "summary": {...metrics.summary keys...},
     "thresholds": {"max_cer": 0.02, ...}, "failed": ["cer 0.031 > max 0.02", ...],
     "missing_outputs": [...], "unpaired_outputs": [...],
     "pages": [{"name", "output", "ground_truth", "output_format", "ground_truth_format",
                "output_articles", "word_segmentation", "notes", "summary": {...},
                "articles": [{...ArticleResult.to_dict()...}]}]}

HTML: what was compared and how, the summary table, a table per page (folder
mode), then every article side by side with its ground truth, worst first,
with insertions, deletions and replacements coloured.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .. import __version__
from . import EvalResult
from .metrics import ArticleResult, PageResult

SCHEMA = "layoutkit-eval/1"

_LABELS = [
    ("cer", "Character error rate (articles matched in any order)", "pct"),
    ("cer_nows", "Character error rate, whitespace ignored", "pct"),
    ("wer", "Word error rate", "pct"),
    ("mean_article_cer", "Mean of the article error rates", "pct"),
    ("intact", "Articles intact (one stretch, error < 5%)", "pct"),
    ("intact_nows", "Articles intact, whitespace ignored", "pct"),
    ("articles", "Ground-truth articles", "int"),
    ("articles_missing", "Articles not found", "int"),
    ("articles_split", "Articles split over several output articles", "int"),
    ("articles_merged", "Articles sharing an output article with another", "int"),
    ("reading_order", "Reading order (pairs of articles in the right order)", "pct"),
    ("breaks_repaired", "Column breaks inside a paragraph repaired", "pct"),
    ("breaks_total", "Column breaks in the ground truth", "int"),
    ("boundaries_kept", "Paragraph boundaries kept", "pct"),
    ("boundaries_total", "Paragraph boundaries in the ground truth", "int"),
    ("hyphens_right", "Line-end hyphens handled right (removed / kept)", "pct"),
    ("break_hyphens_removed", "Break hyphens removed (the word joined)", "pct"),
    ("compound_hyphens_kept", "Compound hyphens kept at line ends", "pct"),
    ("bag_recall", "Bag-of-characters recall (recognition alone)", "pct"),
    ("cjk_spaces", "Spurious spaces between CJK characters", "int"),
    ("page_cer", "Whole-page character error rate (order-sensitive)", "pct"),
    ("unmatched_output", "Output text matched to no article", "pct"),
]


def _words_rule(result: EvalResult) -> str:
    rules = sorted({p.word_rule for p in result.pages})
    return "; ".join(rules)


def _page_dict(p: PageResult, with_diff: bool) -> dict[str, Any]:
    return {
        "name": p.name,
        "output": p.output_path,
        "ground_truth": p.gt_path,
        "output_format": p.output_format,
        "ground_truth_format": p.gt_format,
        "output_articles": p.output_articles,
        "word_segmentation": p.word_rule,
        "notes": list(p.notes),
        "summary": p.summary,
        "articles": [a.to_dict(with_diff) for a in p.articles],
    }


def to_dict(result: EvalResult, thresholds: dict[str, float] | None = None,
            with_diff: bool = False, intact_threshold: float = 0.05) -> dict[str, Any]:
    th = {k: v for k, v in (thresholds or {}).items() if v is not None}
    return {
        "schema": SCHEMA,
        "generator": f"layoutkit {__version__}",
        "alignment": result.alignment,
        "word_segmentation": _words_rule(result),
        "intact_threshold": intact_threshold,
        "summary": result.summary,
        "thresholds": th,
        "failed": result.failed(th),
        "missing_outputs": list(result.missing_outputs),
        "unpaired_outputs": list(result.unpaired_outputs),
        "pages": [_page_dict(p, with_diff) for p in result.pages],
    }


def to_json(result: EvalResult, thresholds: dict[str, float] | None = None, with_diff: bool = False,
            intact_threshold: float = 0.05) -> bytes:
    return (json.dumps(to_dict(result, thresholds, with_diff, intact_threshold), ensure_ascii=False,
                       indent=1) + "\n").encode("utf-8")


def _fmt(v: Any, kind: str) -> str:
    if v is None:
        return "–"
    if kind == "pct":
        return f"{100 * v:.2f}%"
    return str(v)


_CSS = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC",sans-serif;margin:1.5em;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fff2f0}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em;margin-bottom:.5em}
.text{white-space:pre-wrap;font-family:"Noto Serif CJK SC",serif;border:1px solid #ddd;padding:.5em;
 line-height:1.6;max-height:40em;overflow:auto;background:#fcfcfc}
del{background:#ffc9c9;text-decoration:line-through}
ins{background:#b9f2c4;text-decoration:none}
mark.r{background:#ffe08a}
.nl,.sp{color:#888}
.legend span{margin-right:1.2em}
h3{margin-bottom:.2em}
.meta{color:#555;font-size:90%}
.fail{color:#b00020;font-weight:bold}
.ok{color:#18794e;font-weight:bold}
"""


def _esc(text: str, changed: bool = False) -> str:
    """HTML for a run of text; in a changed run spaces show as ␣ so that a
    missing or extra space can be seen."""
    out = html.escape(text)
    if changed:
        out = out.replace(" ", '<span class="sp">␣</span>').replace("\u3000", '<span class="sp">□</span>')
    return out.replace("\n", '<span class="nl">↵</span>\n')


def _sides(a: ArticleResult) -> tuple[str, str]:
    left, right = [], []
    for tag, g, o in a.diff:
        if tag == "equal":
            left.append(_esc(g))
            right.append(_esc(o))
        elif tag == "delete":
            left.append(f"<del>{_esc(g, True)}</del>")
        elif tag == "insert":
            right.append(f"<ins>{_esc(o, True)}</ins>")
        else:
            left.append(f'<mark class="r">{_esc(g, True)}</mark>')
            right.append(f'<mark class="r">{_esc(o, True)}</mark>')
    return "".join(left), "".join(right)


def _summary_table(s: dict[str, Any], failed_keys: set[str]) -> str:
    rows = []
    for key, label, kind in _LABELS:
        cls = ' class="bad"' if key in failed_keys else ""
        rows.append(f"<tr{cls}><td>{html.escape(label)}</td><td><code>{key}</code></td>"
                    f'<td class="n">{_fmt(s.get(key), kind)}</td></tr>')
    return "<table><tr><th>metric</th><th>JSON key</th><th>value</th></tr>" + "".join(rows) + "</table>"


def _pages_table(result: EvalResult) -> str:
    head = ("<tr><th>page</th><th>articles</th><th>CER</th><th>CER no ws</th><th>WER</th><th>intact</th>"
            "<th>split</th><th>merged</th><th>order</th><th>breaks repaired</th><th>bag recall</th></tr>")
    rows = []
    for p in sorted(result.pages, key=lambda p: -(p.summary["cer"] or 0)):
        s = p.summary
        rows.append(
            f'<tr><td><a href="#p-{html.escape(p.name)}">{html.escape(p.name)}</a></td>'
            f'<td class="n">{s["articles"]}</td><td class="n">{_fmt(s["cer"], "pct")}</td>'
            f'<td class="n">{_fmt(s["cer_nows"], "pct")}</td><td class="n">{_fmt(s["wer"], "pct")}</td>'
            f'<td class="n">{_fmt(s["intact"], "pct")}</td><td class="n">{s["articles_split"]}</td>'
            f'<td class="n">{s["articles_merged"]}</td><td class="n">{_fmt(s["reading_order"], "pct")}</td>'
            f'<td class="n">{_fmt(s["breaks_repaired"], "pct")}</td>'
            f'<td class="n">{_fmt(s["bag_recall"], "pct")}</td></tr>')
    return "<table>" + head + "".join(rows) + "</table>"


def _article_html(p: PageResult, a: ArticleResult, show_page: bool) -> str:
    title = a.headline or (a.diff[0][1][:40] if a.diff else "") or a.id
    where = f"{html.escape(p.name)} · " if show_page else ""
    state = '<span class="ok">intact</span>' if a.intact else '<span class="fail">not intact</span>'
    if not a.found:
        state = '<span class="fail">not found</span>'
    facts = [f"CER {100 * a.cer:.2f}% ({a.distance}/{a.gt_chars})",
             f"whitespace ignored {100 * a.cer_nows:.2f}%", f"WER {100 * a.wer:.2f}%",
             f"bag recall {100 * a.bag_recall:.1f}%"]
    if a.breaks_total:
        facts.append(f"column breaks repaired {a.breaks_repaired}/{a.breaks_total}")
    if a.boundaries_total:
        facts.append(f"paragraph boundaries kept {a.boundaries_kept}/{a.boundaries_total}")
    if a.hyphens_total:
        facts.append(f"hyphens right {a.hyphens_right}/{a.hyphens_total}")
    if a.split:
        facts.append(f"split over {len(a.pieces)} output articles ({', '.join(str(x + 1) for x in a.pieces)})")
    if a.merged_with:
        facts.append("merged with " + ", ".join(html.escape(x) for x in a.merged_with))
    if a.cjk_spaces:
        facts.append(f"{a.cjk_spaces} spurious CJK spaces")
    left, right = _sides(a)
    anchor = f"a-{html.escape(p.name)}-{html.escape(a.id)}"
    return (f'<h3 id="{anchor}">{where}{html.escape(a.id)}: {html.escape(title)} — {state}</h3>'
            f'<div class="meta">{" · ".join(facts)} · output graphemes {a.start}–{a.end}</div>'
            f'<div class="pair"><div><b>ground truth</b><div class="text">{left}</div></div>'
            f'<div><b>output (best matching stretch)</b><div class="text">{right}</div></div></div>')


def to_html(result: EvalResult, thresholds: dict[str, float] | None = None) -> bytes:
    th = {k: v for k, v in (thresholds or {}).items() if v is not None}
    failed = result.failed(th)
    failed_keys = {f.split(" ", 1)[0] for f in failed}
    s = result.summary
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>layoutkit eval</title>",
             f"<style>{_CSS}</style></head><body>", "<h1>layoutkit eval</h1>"]
    if result.directory:
        parts.append(f"<p>{len(result.pages)} pages; figures below are micro-averages over all "
                     "articles of all pages.</p>")
    else:
        p = result.pages[0]
        parts.append(f"<p>Output <code>{html.escape(p.output_path)}</code> ({p.output_format}, "
                     f"{p.output_articles} articles) against ground truth <code>{html.escape(p.gt_path)}</code> "
                     f"({p.gt_format}).</p>")
    if th:
        verdict = ('<span class="fail">FAILED: ' + html.escape("; ".join(failed)) + "</span>") if failed \
            else '<span class="ok">all thresholds met</span>'
        parts.append(f"<p>Thresholds: {html.escape(', '.join(f'{k}={v:g}' for k, v in th.items()))} — {verdict}</p>")
    for note in ("missing_outputs", "unpaired_outputs"):
        vals = getattr(result, note)
        if vals:
            label = ("Ground truth without an output (scored as empty)" if note == "missing_outputs"
                     else "Outputs without a ground truth (ignored)")
            parts.append(f"<p class='fail'>{label}: {html.escape(', '.join(vals))}</p>")
    parts.append("<h2>Summary</h2>" + _summary_table(s, failed_keys))
    parts.append(
        "<details><summary>How these are measured</summary><ul>"
        "<li>Text is NFC-normalised and counted in grapheme clusters; a line break is one character.</li>"
        "<li>Each ground-truth article is matched to its best contiguous stretch of the whole output, "
        "wherever it is, so a different article order costs nothing here; the reading-order score "
        "shows the order.</li>"
        f"<li>Alignment: {html.escape(result.alignment)}.</li>"
        f"<li>Words: {html.escape(_words_rule(result))}.</li>"
        "<li>Article error rate = edit distance to its stretch / its length; intact when under 5%.</li>"
        "<li>A column break is repaired when the text on both sides is on one output line; a paragraph "
        "boundary is kept when the output has a line break there.</li>"
        "</ul></details>")
    if result.directory:
        parts.append("<h2>Pages</h2>" + _pages_table(result))
        for p in result.pages:
            parts.append(f'<h3 id="p-{html.escape(p.name)}">{html.escape(p.name)}</h3>'
                         f"<p class='meta'>{html.escape(p.output_path)} vs {html.escape(p.gt_path)}</p>"
                         + _summary_table(p.summary, set()))
    parts.append("<h2>Articles, worst first</h2>"
                 '<p class="legend"><span><del>missing in output</del></span>'
                 '<span><ins>extra in output</ins></span><span><mark class="r">different</mark></span>'
                 '<span class="nl">↵ line break</span><span class="sp">␣ space (where changed)</span></p>')
    items = [(a.cer, p, a) for p in result.pages for a in p.articles]
    items.sort(key=lambda x: (-x[0], x[1].name, x[2].index))
    for _, p, a in items:
        parts.append(_article_html(p, a, result.directory))
    parts.append("</body></html>\n")
    return "".join(parts).encode("utf-8")
