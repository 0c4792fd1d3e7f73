"""Shared by the born-digital PDF tests."""

from __future__ import annotations


class NoEngine:
    """An OCR engine that fails the test if a born-digital page asks for OCR."""

    name = "none"

    def version(self) -> str:
        raise AssertionError("a born-digital page asked for an OCR engine")

    def recognize(self, *args: object, **kwargs: object) -> object:
        raise AssertionError("a born-digital page was OCRed")
