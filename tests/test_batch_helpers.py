"""Small real test pages for the batch tests: 600x400 PIL-rendered text
images (PNG), a two-page TIFF, an image-only PDF, and bad files."""

from __future__ import annotations

from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

LINES = [
    ("Harbour strike ends", "Dock workers voted to return", "on Monday after talks."),
    ("New bridge opens", "The river crossing carried", "traffic for the first time."),
    ("Council budget", "Members agreed the plan", "after a long debate."),
    ("Weather report", "Rain is expected across", "the north this weekend."),
    ("Market prices", "Wheat and barley rose", "sharply in early trading."),
    ("School results", "Pupils did better in", "every subject this year."),
]


def render_page(lines: tuple[str, ...] | list[str], size: tuple[int, int] = (600, 400)):  # type: ignore[no-untyped-def]
    """A grey PIL image with ``lines`` of 28 px text, 300 dpi."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 28)
    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    for j, text in enumerate(lines):
        draw.text((40, 60 + 70 * j), text, font=font, fill=0)
    return im


def make_good_pages(folder: Path, n: int = 4, *, tiff: bool = True, pdf: bool = False) -> list[Path]:
    """``n`` PNG pages (in ``folder`` and ``folder/sub``), plus a two-page
    TIFF and an image-only PDF when asked."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sub").mkdir(exist_ok=True)
    out = []
    for i in range(n):
        p = folder / ("sub" if i % 2 else ".") / f"page{i:02d}.png"
        render_page(LINES[i % len(LINES)]).save(p, dpi=(300, 300))
        out.append(p.resolve())
    if tiff:
        p = folder / "two.tif"
        a, b = render_page(LINES[0]), render_page(LINES[1])
        a.save(p, save_all=True, append_images=[b], dpi=(300, 300))
        out.append(p.resolve())
    if pdf:
        p = folder / "scan.pdf"
        render_page(LINES[2]).convert("RGB").save(p, resolution=300.0)
        out.append(p.resolve())
    return out


def make_bad_files(folder: Path) -> dict[str, Path]:
    """A corrupt PNG, an empty file, a truncated PDF and an unsupported file."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = {
        "corrupt": folder / "corrupt.png",
        "empty": folder / "empty.jpg",
        "truncated": folder / "truncated.pdf",
        "unsupported": folder / "notes.docx",
    }
    bad["corrupt"].write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20)
    bad["empty"].write_bytes(b"")
    bad["truncated"].write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    bad["unsupported"].write_bytes(b"PK\x03\x04 not a page")
    return bad
