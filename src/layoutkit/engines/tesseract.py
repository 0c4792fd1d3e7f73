"""Tesseract adapter.

The C API through ``tesserocr`` is used when it is importable: it loads the
language model once per process and reuses it for every block, which is
several times faster than starting a ``tesseract`` process per block (see
``scripts/bench``).  Without tesserocr the adapter falls back to the
``tesseract`` program through pytesseract.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EngineMissing, PageTimeout, ProcessingError
from ..model import BBox, Line, Word
from ..textutil import FULL_HALF, HALF_FULL, fix_punctuation_width, is_cjk_char, join_words

log = logging.getLogger("layoutkit.engines.tesseract")

_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


def _debian_package(lang: str) -> str:
    return "tesseract-ocr-" + lang.replace("_", "-").lower()


@lru_cache(maxsize=1)
def tessdata_dir() -> str:
    """Directory holding ``*.traineddata``; raises EngineMissing when none."""
    env = os.environ.get("TESSDATA_PREFIX")
    cands = ([env, os.path.join(env, "tessdata")] if env else []) + list(_TESSDATA_CANDIDATES)
    for c in cands:
        if c and Path(c, "eng.traineddata").exists() or (c and list(Path(c).glob("*.traineddata")) if c and Path(c).is_dir() else False):
            return str(Path(c))
    raise EngineMissing(
        "Tesseract language data not found: install it with "
        "`apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim` "
        "or set TESSDATA_PREFIX"
    )


def installed_languages() -> list[str]:
    d = Path(tessdata_dir())
    return sorted(p.name[: -len(".traineddata")] for p in d.glob("*.traineddata"))


def check_languages(languages: str) -> None:
    have = set(installed_languages())
    for lang in languages.split("+"):
        if lang and lang not in have:
            raise EngineMissing(
                f"Tesseract language '{lang}' is not installed: "
                f"run `apt-get install {_debian_package(lang)}` (installed: {', '.join(sorted(have))})"
            )


def _has_tesserocr() -> bool:
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return True


class TesseractEngine:
    """Tesseract through tesserocr (model loaded once) or pytesseract."""

    name = "tesseract"

    def __init__(self, threads: int = 0) -> None:
        # OMP threads inside Tesseract: 1 per worker avoids oversubscription
        self.threads = threads
        self._apis: dict[tuple[str, int], Any] = {}

    # engines are pickled into batch workers: drop the C handles
    def __getstate__(self) -> dict[str, Any]:
        return {"threads": self.threads, "_apis": {}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def version(self) -> str:
        if _has_tesserocr():
            import tesserocr

            first = str(tesserocr.tesseract_version()).splitlines()[0]
            return first.replace("tesseract ", "") + " (tesserocr)"
        exe = shutil.which("tesseract")
        if not exe:
            raise EngineMissing("the tesseract program is missing: run `apt-get install tesseract-ocr`")
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
        return (out.stdout or out.stderr).splitlines()[0].replace("tesseract ", "")

    def languages(self) -> list[str]:
        return [lang for lang in installed_languages() if lang != "osd"]

    def _api(self, languages: str, psm: int) -> Any:
        key = (languages, psm)
        api = self._apis.get(key)
        if api is None:
            import tesserocr

            if self.threads:
                os.environ.setdefault("OMP_THREAD_LIMIT", str(self.threads))
            check_languages(languages)
            try:
                api = tesserocr.PyTessBaseAPI(
                    path=tessdata_dir() + "/", lang=languages, psm=psm, oem=tesserocr.OEM.LSTM_ONLY
                )
            except RuntimeError as exc:
                raise EngineMissing(f"Tesseract could not load '{languages}': {exc}") from exc
            # keep printed spaces between CJK glyphs visible to us as word gaps
            api.SetVariable("preserve_interword_spaces", "1")
            self._apis[key] = api
        return api

    def recognize(
        self,
        image: np.ndarray,
        languages: str,
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        if image.size == 0:
            return []
        if vertical and "_vert" not in languages:
            languages = "+".join(
                (lang + "_vert") if lang in ("chi_sim", "chi_tra") else lang for lang in languages.split("+")
            )
        # single lines: 13 (raw line, no layout heuristics) for CJK models,
        # since psm 7 now and then drops a clean CJK line; 7 for Latin, where
        # the raw line mode reads line-end hyphens as full stops
        cjk = any(lang.split("_")[0] in ("chi", "jpn", "kor") for lang in languages.split("+"))
        psm = (13 if cjk else 7) if single_line else (5 if vertical else 6)
        lines = self._run(image, languages, psm, timeout)
        if single_line and not lines:
            # when one single-line mode reads nothing, try the other
            lines = self._run(image, languages, 7 if psm == 13 else 13, timeout)
        return lines

    def _run(self, image: np.ndarray, languages: str, psm: int, timeout: float) -> list[Line]:
        if _has_tesserocr():
            return self._recognize_capi(image, languages, psm)
        return self._recognize_cli(image, languages, psm, timeout)

    def _recognize_capi(self, image: np.ndarray, languages: str, psm: int) -> list[Line]:
        import tesserocr
        from PIL import Image

        api = self._api(languages, psm)
        api.SetImage(Image.fromarray(image))
        try:
            api.Recognize()
        except RuntimeError as exc:
            raise ProcessingError(f"Tesseract failed: {exc}") from exc
        lines: list[Line] = []
        ri = api.GetIterator()
        if ri is None:
            return lines
        ril_line, ril_word, ril_sym = tesserocr.RIL.TEXTLINE, tesserocr.RIL.WORD, tesserocr.RIL.SYMBOL
        words: list[Word] = []
        glyphs: list[str] = []
        conf = 0.0
        word_box: BBox | None = None
        while True:
            if ri.IsAtBeginningOf(ril_word):
                glyphs = []
                conf = float(ri.Confidence(ril_word))
                bb = ri.BoundingBox(ril_word)
                word_box = BBox(*bb) if bb else None
            try:
                text = ri.GetUTF8Text(ril_sym)
            except RuntimeError:  # tesserocr raises on an empty symbol
                text = ""
            if text and text.strip():
                glyphs.append(text.strip())
            if ri.IsAtFinalElement(ril_word, ril_sym) and glyphs and word_box is not None:
                words.extend(_glyph_words(glyphs, word_box, conf))
                glyphs = []
            if ri.IsAtFinalElement(ril_line, ril_sym) and words:
                lines.append(_make_line(words))
                words = []
            if not ri.Next(ril_sym):
                break
        if glyphs and word_box is not None:
            words.extend(_glyph_words(glyphs, word_box, conf))
        if words:
            lines.append(_make_line(words))
        return lines

    def _recognize_cli(self, image: np.ndarray, languages: str, psm: int, timeout: float) -> list[Line]:
        import pytesseract

        check_languages(languages)
        try:
            data = pytesseract.image_to_data(
                image,
                lang=languages,
                config=f"--psm {psm} --oem 1 -c preserve_interword_spaces=1",
                output_type=pytesseract.Output.DICT,
                timeout=timeout or 0,
            )
        except RuntimeError as exc:  # pytesseract raises RuntimeError on timeout
            raise PageTimeout(f"Tesseract timed out after {timeout:.0f} s") from exc
        except pytesseract.TesseractNotFoundError as exc:
            raise EngineMissing("the tesseract program is missing: run `apt-get install tesseract-ocr`") from exc
        except pytesseract.TesseractError as exc:
            log.warning("tesseract: %s", exc)
            raise ProcessingError(f"Tesseract failed: {exc}") from exc
        groups: dict[tuple[int, int, int], list[Word]] = {}
        for i, text in enumerate(data["text"]):
            if not text or not text.strip():
                continue
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            groups.setdefault(key, []).append(Word(text.strip(), BBox(x, y, x + w, y + h), float(data["conf"][i])))
        return [_make_line(ws) for _, ws in sorted(groups.items())]


def _glyph_words(glyphs: list[str], box: BBox, conf: float) -> list[Word]:
    """One Tesseract word as model words.  Each CJK glyph becomes a word of
    its own; runs of other glyphs stay together.  The boxes divide the word's
    box in proportion to the glyph count (CJK glyphs are square), because
    the LSTM engine's own symbol boxes are too rough to measure gaps with:
    within one Tesseract word there is never a printed space."""
    pieces: list[str] = []
    run = ""
    cjk_word = any(is_cjk_char(t) for t in glyphs)
    for t in glyphs:
        # ASCII punctuation stays with its Latin word ("charities,")
        if is_cjk_char(t) or (cjk_word and (t in FULL_HALF or t in HALF_FULL)):
            if run:
                pieces.append(run)
                run = ""
            pieces.append(t)
        else:
            run += t
    if run:
        pieces.append(run)
    if len(pieces) == 1:
        return [Word(pieces[0], box, conf)]
    weights = [1.0 if len(p) == 1 and is_cjk_char(p) else 0.55 * len(p) for p in pieces]
    total = sum(weights)
    out: list[Word] = []
    x = float(box.x0)
    for p, wgt in zip(pieces, weights):
        x1 = x + box.width * wgt / total
        out.append(Word(p, BBox(int(round(x)), box.top, max(int(round(x)), int(round(x1))), box.bottom), conf))
        x = x1
    return out


def _make_line(words: list[Word]) -> Line:
    words = fix_punctuation_width(words)
    bbox = BBox.enclosing(w.bbox for w in words)
    confs = [w.confidence for w in words if w.confidence >= 0]
    conf = sum(confs) / len(confs) if confs else -1.0
    return Line(join_words(words), bbox, tuple(words), conf)
