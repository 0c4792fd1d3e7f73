"""Frozen option objects passed down the pipeline (no module-level state)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PreprocessOptions:
    deskew: bool = True
    binarize: bool = True
    despeckle: bool = True
    remove_borders: bool = True
    max_skew: float = 5.0  # degrees


@dataclass(frozen=True)
class RepairOptions:
    """Switches for the break-repair step; everything on by default."""

    join_lines: bool = True
    join_columns: bool = True
    join_pages: bool = True
    dehyphenate: bool = True
    remove_cjk_spaces: bool = True
    language: str = ""  # "zh", "en", "de", "fr"; empty = from the text


@dataclass(frozen=True)
class ConvertOptions:
    languages: str = "chi_sim+eng"
    dpi: int = 300  # PDF render resolution; images use their own DPI when stored
    engine: str = "tesseract"
    ocr: str = "auto"  # auto | always | never (PDF text layer use)
    timeout: float = 0.0  # seconds per page, 0 = none
    threads: int = 0  # engine threads per worker, 0 = engine default
    max_pixels: int = 200_000_000  # refuse images larger than this (not a page)
    preprocess: PreprocessOptions = field(default_factory=PreprocessOptions)
    repair: RepairOptions = field(default_factory=RepairOptions)
    debug_dir: str = ""
