"""Quality assurance: compare an output with its ground truth, per article.

Public API::

    from layoutkit.qa import evaluate
    res = evaluate("out/page.txt", "fixtures/page.gt.json")   # files or directories
    res.summary["cer"], res.summary["intact"]
    res.failed({"max_cer": 0.02})                             # [] when all thresholds hold

See :mod:`.metrics` for the definitions, :mod:`.report` for the HTML/JSON
reports, :mod:`.distance` for the alignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputNotFound, UsageError
from .metrics import ALIGNMENT, EvalOptions, PageResult, Totals, evaluate_docs, summary
from .readers import RefDoc, read, read_text

#: threshold name -> (summary key, "max" or "min")
THRESHOLDS: dict[str, tuple[str, str]] = {
    "max_cer": ("cer", "max"),
    "max_cer_nows": ("cer_nows", "max"),
    "max_wer": ("wer", "max"),
    "max_mean_article_cer": ("mean_article_cer", "max"),
    "max_page_cer": ("page_cer", "max"),
    "min_intact": ("intact", "min"),
    "min_intact_nows": ("intact_nows", "min"),
    "min_breaks_repaired": ("breaks_repaired", "min"),
    "min_boundaries_kept": ("boundaries_kept", "min"),
    "min_hyphens_right": ("hyphens_right", "min"),
    "min_break_hyphens_removed": ("break_hyphens_removed", "min"),
    "min_compound_hyphens_kept": ("compound_hyphens_kept", "min"),
    "min_reading_order": ("reading_order", "min"),
    "min_bag_recall": ("bag_recall", "min"),
    "max_cjk_spaces": ("cjk_spaces", "max"),
    "max_split": ("articles_split", "max"),
    "max_merged": ("articles_merged", "max"),
}

# Suffixes stripped to pair files by stem, in order of preference on each side.
_GT_SUFFIXES = (".gt.json", ".gt.txt", ".page.xml", ".alto.xml", ".xml", ".json", ".txt")
_OUT_SUFFIXES = (".json", ".txt", ".page.xml", ".alto.xml", ".xml")
_NOT_GT = (".extracted.txt",)


@dataclass(frozen=True)
class EvalResult:
    """The evaluation of one pair or of a directory of pairs.  ``summary``
    micro-averages over all articles of all pages; ``missing_outputs`` are
    ground truths with no output (scored as empty outputs);
    ``unpaired_outputs`` outputs with no ground truth (ignored)."""

    pages: tuple[PageResult, ...]
    totals: Totals
    directory: bool = False
    missing_outputs: tuple[str, ...] = ()
    unpaired_outputs: tuple[str, ...] = ()
    alignment: str = ALIGNMENT
    notes: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> dict[str, Any]:
        return summary(self.totals)

    def failed(self, thresholds: dict[str, float]) -> list[str]:
        """One line per threshold not met, e.g. ``cer 0.0312 > max 0.02``.
        A metric that could not be measured (no column breaks recorded, …)
        fails its threshold: a gate must not pass on missing evidence."""
        s = self.summary
        out = []
        for name, limit in thresholds.items():
            if limit is None:
                continue
            if name not in THRESHOLDS:
                raise UsageError(f"unknown threshold {name!r}: choose from {', '.join(THRESHOLDS)}")
            key, kind = THRESHOLDS[name]
            val = s.get(key)
            if val is None:
                out.append(f"{key} not measured (needs it for {kind} {limit:g})")
            elif kind == "max" and val > limit:
                out.append(f"{key} {val:.4g} > max {limit:g}")
            elif kind == "min" and val < limit:
                out.append(f"{key} {val:.4g} < min {limit:g}")
        return out


def _stem(path: Path, suffixes: tuple[str, ...]) -> tuple[str, int] | None:
    name = path.name
    low = name.lower()
    if any(low.endswith(x) for x in _NOT_GT) and suffixes is _GT_SUFFIXES:
        return None
    for rank, suf in enumerate(suffixes):
        if low.endswith(suf):
            return name[: -len(suf)], rank
    return None


def _by_stem(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Path]:
    best: dict[str, tuple[int, Path]] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith("."):
            continue
        st = _stem(p, suffixes)
        if st is None:
            continue
        stem, rank = st
        if stem not in best or rank < best[stem][0]:
            best[stem] = (rank, p)
    return {s: p for s, (_, p) in best.items()}


def pair_directories(output: Path, gt: Path) -> tuple[list[tuple[str, Path | None, Path]], list[str]]:
    """Pairs ``(stem, output file or None, ground-truth file)`` matched by stem
    (``x.txt``/``x.json`` with ``x.gt.json``/``x.gt.txt``/``x.xml``/``x.txt``),
    and the output files left without a ground truth."""
    gts = _by_stem(gt, _GT_SUFFIXES)
    outs = _by_stem(output, _OUT_SUFFIXES)
    if not gts:
        raise UsageError(f"{gt}: no ground-truth files (*.gt.json, *.gt.txt, *.xml, *.txt) in this folder")
    pairs = [(stem, outs.get(stem), path) for stem, path in sorted(gts.items())]
    unpaired = sorted(str(p) for s, p in outs.items() if s not in gts)
    return pairs, unpaired


def evaluate(output: str | Path, ground_truth: str | Path, options: EvalOptions | None = None) -> EvalResult:
    """Evaluate an output file against a ground-truth file, or every file of
    an output folder against the ground truth of the same stem in a folder."""
    out_p, gt_p = Path(output), Path(ground_truth)
    for p in (out_p, gt_p):
        if not p.exists():
            raise InputNotFound(f"{p}: no such file or folder; check the path")
    if out_p.is_dir() != gt_p.is_dir():
        raise UsageError(f"{out_p} and {gt_p}: give two files or two folders")
    if not out_p.is_dir():
        page = evaluate_docs(read(out_p), read(gt_p), out_p.name, options)
        return EvalResult((page,), page.totals)
    pairs, unpaired = pair_directories(out_p, gt_p)
    pages = []
    missing = []
    total = Totals()
    for stem, o, g in pairs:
        gt_doc = read(g)
        if o is None:
            missing.append(str(g))
            out_doc: RefDoc = read_text("", f"(no output for {g.name})")
        else:
            out_doc = read(o)
        page = evaluate_docs(out_doc, gt_doc, stem, options)
        pages.append(page)
        total.add(page.totals)
    return EvalResult(tuple(pages), total, True, tuple(missing), tuple(unpaired))


__all__ = ["EvalOptions", "EvalResult", "PageResult", "THRESHOLDS", "evaluate", "evaluate_docs",
           "pair_directories", "read"]
