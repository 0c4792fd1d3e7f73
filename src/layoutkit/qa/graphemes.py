"""NFC grapheme clusters, and a codec that turns each cluster into one character.

Metrics count user-perceived characters (Unicode extended grapheme clusters
of the NFC-normalised text), as dinglehopper does: ``e`` + combining acute is
one character, so is a flag or an emoji with a skin tone.

The edit-distance library works on strings, one code point per symbol.  A
:class:`GraphemeCodec` maps every cluster of more than one code point to a
single private-use code point (and every one-code-point cluster to itself),
so an *encoded* string has exactly one character per grapheme cluster and
string indices are grapheme indices.  One codec is used for both sides of a
comparison so equal clusters get equal codes.
"""

from __future__ import annotations

import unicodedata

import regex

# Supplementary Private Use Area-A and -B: codes for multi-code-point clusters.
_PUA_START = 0xF0000
_PUA_END = 0x10FFFD


def nfc(text: str) -> str:
    """NFC normalisation (composed form)."""
    return unicodedata.normalize("NFC", text)


def clusters(text: str) -> list[str]:
    """The extended grapheme clusters of ``nfc(text)``, in order."""
    return regex.findall(r"\X", nfc(text))


def length(text: str) -> int:
    """Number of grapheme clusters in ``nfc(text)``."""
    return len(clusters(text))


class GraphemeCodec:
    """Two-way map between grapheme clusters and single code points.

    Not thread-safe; create one per comparison (it grows as it sees text).
    """

    def __init__(self) -> None:
        self._code: dict[str, str] = {}
        self._cluster: dict[str, str] = {}
        self._next = _PUA_START

    def encode(self, text: str) -> str:
        """NFC-normalise ``text`` and return one character per grapheme cluster."""
        norm = nfc(text)
        if norm.isascii():  # fast path: every ASCII char except CR LF is a cluster
            if "\r\n" not in norm:
                return norm
        out = []
        for cl in regex.findall(r"\X", norm):
            if len(cl) == 1:
                out.append(cl)
                continue
            code = self._code.get(cl)
            if code is None:
                code = self._new_code(norm)
                self._code[cl] = code
                self._cluster[code] = cl
            out.append(code)
        return "".join(out)

    def decode(self, encoded: str) -> str:
        """Inverse of :meth:`encode` (gives the NFC text back)."""
        if not self._cluster:
            return encoded
        return "".join(self._cluster.get(ch, ch) for ch in encoded)

    def cluster(self, ch: str) -> str:
        """The grapheme cluster one encoded character stands for."""
        return self._cluster.get(ch, ch)

    def _new_code(self, text: str) -> str:
        # Skip code points that occur as themselves in the text being encoded
        # (private-use characters are rare but legal).
        while self._next <= _PUA_END:
            ch = chr(self._next)
            self._next += 1
            if ch not in text and ch not in self._cluster:
                return ch
        raise ValueError("more than 130,000 distinct multi-code-point grapheme clusters")
