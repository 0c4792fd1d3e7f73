"""Bad inputs: one-line errors naming the file, documented exit codes, no
traceback and no partial output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from layoutkit.errors import BadInput, InputNotFound
from layoutkit.sources import load_pages, sniff


def _png(path: Path, w: int = 400, h: int = 300) -> Path:
    Image.fromarray(np.full((h, w), 255, np.uint8)).save(path, dpi=(300, 300))
    return path


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "layoutkit", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputNotFound, match="no such file"):
        list(load_pages(tmp_path / "nope.png"))


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    with pytest.raises(BadInput, match="empty"):
        sniff(p)


def test_unknown_type(tmp_path: Path) -> None:
    p = tmp_path / "page.docx"
    p.write_bytes(b"PK\x03\x04 not a page")
    with pytest.raises(BadInput, match="unsupported file type"):
        sniff(p)


def test_truncated_png(tmp_path: Path) -> None:
    good = _png(tmp_path / "good.png", 800, 600)
    data = good.read_bytes()
    bad = tmp_path / "trunc.png"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadInput, match="trunc.png"):
        list(load_pages(bad))


def test_corrupt_jpeg(tmp_path: Path) -> None:
    p = tmp_path / "bad.jpg"
    p.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00garbage" * 50)
    with pytest.raises(BadInput, match="bad.jpg"):
        list(load_pages(p))


def test_corrupt_pdf(tmp_path: Path) -> None:
    p = tmp_path / "bad.pdf"
    p.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF")
    with pytest.raises(BadInput, match="bad.pdf"):
        list(load_pages(p))


def test_too_large(tmp_path: Path) -> None:
    p = _png(tmp_path / "huge.png", 3000, 3000)
    with pytest.raises(BadInput, match="too large"):
        list(load_pages(p, max_pixels=1_000_000))


def test_multipage_tiff(tmp_path: Path) -> None:
    frames = [Image.fromarray(np.full((200, 300), v, np.uint8)) for v in (255, 200, 100)]
    p = tmp_path / "three.tif"
    frames[0].save(p, save_all=True, append_images=frames[1:], dpi=(200, 200))
    pages = list(load_pages(p))
    assert [pg.number for pg in pages] == [1, 2, 3]
    assert pages[0].dpi == 200 and pages[0].dpi_known
    assert int(pages[2].image.mean()) == 100


def test_pdf_pages_rendered(tmp_path: Path) -> None:
    img = Image.fromarray(np.full((300, 200), 255, np.uint8))
    p = tmp_path / "two.pdf"
    img.save(p, save_all=True, append_images=[img], resolution=100)
    pages = list(load_pages(p, dpi=150))
    assert len(pages) == 2
    h, w = pages[0].image.shape
    assert abs(h - 450) <= 1 and abs(w - 300) <= 1


@pytest.mark.parametrize(
    "name,content,code,needle",
    [
        ("missing.png", None, 3, "no such file"),
        ("empty.png", b"", 4, "empty"),
        ("notes.xyz", b"hello world", 4, "unsupported"),
        ("broken.pdf", b"%PDF-1.4\ngarbage", 4, "broken.pdf"),
    ],
)
def test_cli_bad_input_exit_codes(tmp_path: Path, name: str, content: bytes | None, code: int, needle: str) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    out = tmp_path / "out"
    r = run_cli("convert", str(p), "-o", str(out), "--format", "txt,json")
    assert r.returncode == code, r.stderr
    assert needle in r.stderr and name in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists() or not any(out.iterdir())
