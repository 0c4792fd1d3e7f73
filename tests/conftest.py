"""Shared test helpers: small pages rendered from known text."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
CJK_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


def have_tesseract() -> bool:
    try:
        from layoutkit.engines.tesseract import installed_languages

        return "chi_sim" in installed_languages() and "eng" in installed_languages()
    except Exception:  # noqa: BLE001
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if have_tesseract():
        return
    skip = pytest.mark.skip(reason="Tesseract with chi_sim+eng is not installed (run scripts/setup)")
    for item in items:
        if "tesseract" in item.keywords:
            item.add_marker(skip)


def render_columns(columns: list[list[str]], headline: str = "", em: int = 40, pitch: int = 60,
                   colw_em: int = 10, gutter: int = 60, margin: int = 80) -> np.ndarray:
    """Render CJK text: ``columns`` is a list of columns, each a list of printed
    lines (already broken), under an optional headline spanning all columns."""
    from PIL import Image, ImageDraw, ImageFont

    body = ImageFont.truetype(CJK_FONT, em, index=2)
    head = ImageFont.truetype(CJK_BOLD, int(em * 1.8), index=2)
    ncol = len(columns)
    width = 2 * margin + ncol * colw_em * em + (ncol - 1) * gutter
    nlines = max(len(c) for c in columns)
    top = margin + (int(em * 3.2) if headline else 0)
    height = top + nlines * pitch + margin
    img = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(img)
    if headline:
        d.text((margin, margin), headline, font=head, fill=0)
    for ci, col in enumerate(columns):
        x = margin + ci * (colw_em * em + gutter)
        for li, line in enumerate(col):
            d.text((x, top + li * pitch), line, font=body, fill=0)
    return np.asarray(img)


@pytest.fixture
def tmp_out(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


__all__ = ["ROOT", "SHARED", "render_columns", "have_tesseract", "shutil"]
