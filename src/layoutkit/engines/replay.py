"""Record engine output once, play it back in tests.

:class:`RecordingEngine` wraps a real engine and stores the result of every
``recognize()`` call in a JSON file, keyed by a SHA-256 of the image (shape,
dtype and bytes), the languages and the flags.  :class:`ReplayEngine` reads
that file and answers the same calls without any OCR installed, so unit
tests are fast and do not change when Tesseract or RapidOCR is upgraded.

Recording file (UTF-8 JSON)::

    {"schema": "layoutkit-replay/1",
     "engine": "rapidocr", "version": "1.4.4 (...)",
     "calls": {"<sha256>": {"languages": "chi_sim", "vertical": false, "single_line": false,
                            "shape": [h, w],
                            "lines": [{"text": "...", "bbox": [x0, top, x1, bottom], "confidence": 97.1,
                                       "words": [{"text": "区", "bbox": [...], "confidence": 99.0}]}]}}}

Boxes are in the pixel coordinates of the image passed to ``recognize()``.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EngineMissing, InputNotFound, OutputError
from ..model import BBox, Line, Word

SCHEMA = "layoutkit-replay/1"


def call_key(image: np.ndarray, languages: str, vertical: bool, single_line: bool) -> str:
    """SHA-256 hex digest naming one recognize() call."""
    arr = np.ascontiguousarray(image)
    h = hashlib.sha256()
    h.update(f"{arr.shape}|{arr.dtype}|{languages}|v={int(vertical)}|s={int(single_line)}|".encode())
    h.update(arr.tobytes())
    return h.hexdigest()


def line_to_dict(line: Line) -> dict[str, Any]:
    return {
        "text": line.text,
        "bbox": list(line.bbox.as_tuple()),
        "confidence": line.confidence,
        "words": [
            {"text": w.text, "bbox": list(w.bbox.as_tuple()), "confidence": w.confidence} for w in line.words
        ],
    }


def line_from_dict(d: dict[str, Any]) -> Line:
    words = tuple(Word(w["text"], BBox(*w["bbox"]), float(w.get("confidence", -1.0))) for w in d.get("words", ()))
    return Line(d["text"], BBox(*d["bbox"]), words, float(d.get("confidence", -1.0)))


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputNotFound(f"{path}: replay recording not found: record it with RecordingEngine first") from exc
    except (OSError, ValueError) as exc:
        raise InputNotFound(f"{path}: unreadable replay recording ({exc}): record it again") from exc
    if data.get("schema") != SCHEMA:
        raise InputNotFound(f"{path}: not a layoutkit replay recording (schema {data.get('schema')!r})")
    return data


class ReplayEngine:
    """Plays back a recording made by :class:`RecordingEngine`.

    A call that was not recorded raises EngineMissing naming the file, so a
    test that changed its input fails loudly instead of getting no text."""

    name = "replay"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_data": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _recording(self) -> dict[str, Any]:
        if self._data is None:
            self._data = _load(self.path)
        return self._data

    def version(self) -> str:
        d = self._recording()
        return f"{d.get('engine', '?')} {d.get('version', '?')} (replayed from {self.path.name})"

    def languages(self) -> list[str]:
        langs = {lang for c in self._recording()["calls"].values() for lang in c["languages"].split("+")}
        return sorted(lang for lang in langs if lang)

    def recognize(
        self,
        image: np.ndarray,
        languages: str,
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        key = call_key(image, languages, vertical, single_line)
        call = self._recording()["calls"].get(key)
        if call is None:
            raise EngineMissing(
                f"{self.path}: no recorded result for this {image.shape[1]}x{image.shape[0]} image "
                f"({languages}, vertical={vertical}, single_line={single_line}): record it again"
            )
        return [line_from_dict(d) for d in call["lines"]]


class RecordingEngine:
    """Wraps ``inner`` and saves each recognize() result to ``path``.

    The file is rewritten (atomically) after every call so a crash keeps
    what was recorded; existing calls in the file are kept."""

    def __init__(self, inner: Any, path: str | Path) -> None:
        self.inner = inner
        self.path = Path(path)
        self.name = inner.name
        self._data: dict[str, Any] | None = None

    def version(self) -> str:
        return str(self.inner.version())

    def languages(self) -> list[str]:
        return list(self.inner.languages())

    def _recording(self) -> dict[str, Any]:
        if self._data is None:
            if self.path.exists():
                self._data = _load(self.path)
            else:
                self._data = {"schema": SCHEMA, "engine": self.inner.name, "version": self.inner.version(),
                              "calls": {}}
        return self._data

    def recognize(
        self,
        image: np.ndarray,
        languages: str,
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        lines = self.inner.recognize(image, languages, timeout, vertical=vertical, single_line=single_line)
        data = self._recording()
        data["calls"][call_key(image, languages, vertical, single_line)] = {
            "languages": languages,
            "vertical": vertical,
            "single_line": single_line,
            "shape": list(image.shape[:2]),
            "lines": [line_to_dict(ln) for ln in lines],
        }
        self._save(data)
        return list(lines)

    def _save(self, data: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=1)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the replay recording ({exc}): check the directory") from exc
