"""Fixture sets built from the generator: pages, text-only cases, samples.

Used by ``scripts/make_fixtures.py`` and by tests/benchmarks that want a
bigger set in a temporary directory.
"""

from __future__ import annotations

from pathlib import Path

from .generator import generate_page, write_fixture, write_gt
from .layout import PageSpec
from .texts import load_text_articles


def page_params(i: int, seed: int, langs: list[str], degradations: list[str],
                columns: list[int]) -> tuple[str, int, str, int]:
    """(language, columns, degradation, seed) of page ``i`` of a run: rotations
    chosen so that languages, column counts and degradations all mix."""
    deg = degradations[i % len(degradations)]
    lang = langs[(i // len(degradations) + i) % len(langs)]
    cols = columns[(i // 2 + i // len(degradations)) % len(columns)]
    return lang, cols, deg, seed + i


def page_stem(lang: str, cols: int, deg: str, seed: int) -> str:
    return f"{lang}-{cols}col-{deg}-s{seed}"


def make_pages(out: Path, count: int, seed: int, langs: list[str], degradations: list[str],
               columns: list[int], pdf: bool = False, pdf_scanned: bool = True) -> list[Path]:
    """Write ``count`` pages (PNG + GT) into ``out``; with ``pdf`` also PDFs
    (scanned and mixed ones only with ``pdf_scanned``)."""
    written: list[Path] = []
    for i in range(count):
        lang, cols, deg, s = page_params(i, seed, langs, degradations, columns)
        stem = page_stem(lang, cols, deg, s)
        page = generate_page(PageSpec(language=lang, columns=cols), s, deg, source=f"{stem}.png")
        written += write_fixture(page, out, stem)
    if pdf:
        from .pdf import make_pdf_fixtures

        written += make_pdf_fixtures(out, seed, langs, scanned=pdf_scanned)
    return written


def make_text_cases(out: Path, count: int, seed: int, langs: list[str]) -> list[Path]:
    """Text-only repair cases: ``<stem>.extracted.txt`` (naive extraction, column
    breaks as blank lines) with ``<stem>.gt.txt``; small pages, no images."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i in range(count):
        lang = langs[i % len(langs)]
        cols = 3 + (i // len(langs)) % 4
        s = seed + i
        stem = f"{lang}-{cols}col-text-s{s}"
        page = generate_page(PageSpec(language=lang, columns=cols), s, "clean", source=f"{stem}.extracted.txt")
        write_gt(page.gt, out, stem, page.extracted)
        written += [out / f"{stem}.extracted.txt", out / f"{stem}.gt.txt", out / f"{stem}.gt.json"]
    return written


def sample_spec_zh(expected: Path) -> PageSpec:
    """The Chinese sample: every article of ``expected`` on one 6-column page."""
    from dataclasses import replace

    arts = load_text_articles(expected, "zh")
    # photo stories: an article with a single short paragraph or none gets a photo
    arts = [replace(a, photo=True) if len(a.paragraphs) <= 1 else a for a in arts]
    spans: list[tuple[int, ...]] = []
    i = 0
    while i < len(arts):
        size = sum(len(p) for p in arts[i].paragraphs)
        if size > 700 or i + 1 >= len(arts):
            spans.append((6,))
            i += 1
        else:
            nxt = sum(len(p) for p in arts[i + 1].paragraphs)
            left = 2 if size < 250 else 3 if size <= nxt * 1.5 else 4
            if nxt < 250 and size >= 250:
                left = 4
            spans.append((left, 6 - left))
            i += 2
    return PageSpec(language="zh", columns=6, width=2600, body_size=34, column_rules=True,
                    band_rules=True, articles=tuple(arts), bands=tuple(spans), page_number=3)


def make_samples(out: Path, expected: Path) -> list[Path]:
    """samples/sample-zh.png from ``expected`` and samples/sample-en.png."""
    written: list[Path] = []
    zh = generate_page(sample_spec_zh(expected), 3, "scan", source="sample-zh.png")
    written += write_fixture(zh, out, "sample-zh")
    en = generate_page(PageSpec(language="en", columns=5, width=2400, column_rules=False, page_number=1),
                       11, "scan", source="sample-en.png")
    written += write_fixture(en, out, "sample-en")
    return written


def make_documents(out: Path, seed: int, langs: list[str]) -> list[Path]:
    """Two-page documents with jump lines (multi-page TIFF and PDF)."""
    from .multipage import make_jump_documents

    return make_jump_documents(out, seed, langs)
