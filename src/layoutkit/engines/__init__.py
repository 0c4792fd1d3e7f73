"""OCR engines behind one protocol.

An engine takes a grey (uint8, 2-D) image of one block or column and returns
:class:`~layoutkit.model.Line` objects in the coordinates of that image; the
caller shifts them into page coordinates.  Engines are picklable: heavy
handles are created lazily in the worker that uses them.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import UsageError
from ..model import Line


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def version(self) -> str:
        """Version string of the engine; raises EngineMissing when absent."""
        ...

    def languages(self) -> list[str]:
        """Languages installed for this engine."""
        ...

    def recognize(
        self,
        image: np.ndarray,
        languages: str,
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        """Recognise ``image`` (grey uint8) and return its lines, top to bottom
        (right to left for vertical text), in image pixel coordinates."""
        ...


ENGINE_NAMES = ("tesseract", "rapidocr", "auto")


def get_engine(name: str, threads: int = 0) -> OcrEngine:
    """Return the engine called ``name`` (tesseract, rapidocr, auto, replay:PATH)."""
    if name == "tesseract":
        from .tesseract import TesseractEngine

        return TesseractEngine(threads=threads)
    if name == "rapidocr":
        from .rapidocr import RapidOcrEngine  # type: ignore[import-not-found]

        return RapidOcrEngine(threads=threads)  # type: ignore[no-any-return]
    if name == "auto":
        from .auto import AutoEngine  # type: ignore[import-not-found]

        return AutoEngine(threads=threads)  # type: ignore[no-any-return]
    if name.startswith("replay:"):
        from .replay import ReplayEngine

        return ReplayEngine(name.split(":", 1)[1])
    raise UsageError(f"unknown engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}")
