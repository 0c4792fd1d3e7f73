"""``auto``: Tesseract or RapidOCR chosen per block, by script and calibrated confidence.

The rule (measured with ``scripts/bench_engines.py``, see bench/engines.json):

1. Read the block with Tesseract (fast; best on Latin print, keeps diacritics).
2. Re-read it with RapidOCR when the block is Chinese — ``vertical`` is set, or
   the languages include ``chi_*`` and Tesseract's text is mostly CJK — or when
   Tesseract's mean line confidence is below ``reread_below`` (default 85).
3. Keep the reading with the lower *expected character error rate*.  The two
   engines' confidences are on different scales, so each is mapped to an
   expected CER by a line fitted on rendered block crops (clean and eight
   degradations, Chinese horizontal/vertical and English):

   * Tesseract: ``cer ~= 0.012 * (95 - conf)`` (conf 90 -> 6 %, 81 -> 17 %);
   * RapidOCR: its scores sit at 96..100 whether right or wrong; on Chinese
     blocks it was nearly always right (mean CER 0.2 % horizontal, 1.3 %
     vertical), so ``cer ~= 0.005 + 0.01 * (99 - conf)``; on Latin blocks it
     drops spaces and accents, so ``cer ~= 0.03 + 0.02 * (99 - conf)``;
   * a reading that lost lines (fewer characters than 80 % of the other) is
     penalised by the missing share.

   On Chinese blocks this picks RapidOCR unless Tesseract is very sure; on
   English print it keeps Tesseract (RapidOCR drops spaces and accents).

``last_choice`` holds the engine picked for the most recent block (for
benchmarks and debugging); it is per instance, not global.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import Line
from ..textutil import is_cjk_text
from .rapidocr import RapidOcrEngine
from .tesseract import TesseractEngine


def expected_cer(engine: str, confidence: float, cjk: bool = False) -> float:
    """Expected character error rate (0..1) of a block from an engine's mean
    line confidence (0..100) and the block's script; -1 (unknown) counts as poor."""
    if confidence < 0:
        return 0.5
    if engine == "tesseract":
        return max(0.0, 0.012 * (95.0 - confidence))
    if cjk:
        return max(0.0, 0.005 + 0.01 * (99.0 - confidence))
    return max(0.0, 0.03 + 0.02 * (99.0 - confidence))


def _mean_conf(lines: list[Line]) -> float:
    """Character-weighted mean line confidence, -1 when none."""
    pairs = [(ln.confidence, len(ln.text)) for ln in lines if ln.confidence >= 0 and ln.text]
    n = sum(k for _, k in pairs)
    return sum(c * k for c, k in pairs) / n if n else -1.0


def _nchars(lines: list[Line]) -> int:
    return sum(len("".join(ln.text.split())) for ln in lines)


class AutoEngine:
    """Per-block choice between Tesseract and RapidOCR (see module doc)."""

    name = "auto"

    def __init__(self, threads: int = 0, *, reread_below: float = 85.0) -> None:
        self.threads = threads
        self.reread_below = reread_below
        self.tesseract = TesseractEngine(threads=threads)
        self.rapidocr = RapidOcrEngine(threads=threads)
        self.last_choice = ""

    def __getstate__(self) -> dict[str, Any]:
        return {"threads": self.threads, "reread_below": self.reread_below, "tesseract": self.tesseract,
                "rapidocr": self.rapidocr, "last_choice": ""}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def version(self) -> str:
        return f"tesseract {self.tesseract.version()} + rapidocr {self.rapidocr.version()}"

    def languages(self) -> list[str]:
        return sorted(set(self.tesseract.languages()) | set(self.rapidocr.languages()))

    def recognize(
        self,
        image: np.ndarray,
        languages: str,
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        """Lines of ``image`` (image pixel coordinates) from the engine the rule picks."""
        t_lines = self.tesseract.recognize(image, languages, timeout, vertical=vertical, single_line=single_line)
        t_conf = _mean_conf(t_lines)
        chinese = "chi_" in languages and (vertical or is_cjk_text("".join(ln.text for ln in t_lines)))
        if not chinese and t_conf >= self.reread_below:
            self.last_choice = "tesseract"
            return t_lines
        r_lines = self.rapidocr.recognize(image, languages, timeout, vertical=vertical, single_line=single_line)
        cjk = chinese or is_cjk_text("".join(ln.text for ln in r_lines))
        t_cer = expected_cer("tesseract", t_conf, cjk)
        r_cer = expected_cer("rapidocr", _mean_conf(r_lines), cjk)
        nt, nr = _nchars(t_lines), _nchars(r_lines)
        if nr < 0.8 * nt:
            r_cer += 1.0 - nr / max(1, nt)
        elif nt < 0.8 * nr:
            t_cer += 1.0 - nt / max(1, nr)
        if r_lines and r_cer <= t_cer:
            self.last_choice = "rapidocr"
            return r_lines
        self.last_choice = "tesseract"
        return t_lines
