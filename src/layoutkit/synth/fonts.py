"""Fonts used to draw synthetic pages, with cached advance widths.

Sizes are in page pixels (one em = ``size`` pixels).  A :class:`FontBook` is
created per page generation; it caches loaded fonts and glyph advances so
the generator holds no module-level state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import ImageFont

from ..errors import EngineMissing

NOTO = "/usr/share/fonts/opentype/noto"
DEJAVU = "/usr/share/fonts/truetype/dejavu"
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

#: font key -> (file, face index).  Index 2 of the Noto CJK collections is SC.
FONT_FILES: dict[str, tuple[str, int]] = {
    "zh-serif": (f"{NOTO}/NotoSerifCJK-Regular.ttc", 2),
    "zh-serif-bold": (f"{NOTO}/NotoSerifCJK-Bold.ttc", 2),
    "zh-sans": (f"{NOTO}/NotoSansCJK-Regular.ttc", 2),
    "zh-sans-bold": (f"{NOTO}/NotoSansCJK-Bold.ttc", 2),
    "en-serif": (f"{DEJAVU}/DejaVuSerif.ttf", 0),
    "en-serif-bold": (f"{DEJAVU}/DejaVuSerif-Bold.ttf", 0),
    "en-sans": (f"{DEJAVU}/DejaVuSans.ttf", 0),
    "en-sans-bold": (f"{DEJAVU}/DejaVuSans-Bold.ttf", 0),
}

#: baseline position below the top of the em box, as a fraction of the size
BASELINE = {"zh": 0.88, "en": 0.80}


def script_of(font_key: str) -> str:
    return "zh" if font_key.startswith("zh") else "en"


@dataclass
class FontBook:
    """Loads fonts on demand and caches advances (pixels at a given size)."""

    _fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = field(default_factory=dict)
    _adv: dict[tuple[str, int, str], float] = field(default_factory=dict)

    def font(self, key: str, size: int) -> ImageFont.FreeTypeFont:
        k = (key, size)
        f = self._fonts.get(k)
        if f is None:
            path, index = FONT_FILES[key]
            if not Path(path).is_file():
                raise EngineMissing(
                    f"{path}: font missing; install fonts-noto-cjk and fonts-dejavu-core (apt-get install)")
            f = ImageFont.truetype(path, size, index=index)
            self._fonts[k] = f
        return f

    def width(self, key: str, size: int, text: str) -> float:
        """Advance width of ``text`` in pixels."""
        k = (key, size, text)
        w = self._adv.get(k)
        if w is None:
            w = float(self.font(key, size).getlength(text))
            self._adv[k] = w
        return w
