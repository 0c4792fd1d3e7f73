"""RapidOCR adapter: PP-OCRv4 detection + recognition through ONNX Runtime.

``rapidocr-onnxruntime`` 1.4.x ships the PP-OCRv4 Chinese detection and
recognition models (and the 0/180 degree direction classifier) inside its
wheel; nothing is downloaded at run time.  Later ``rapidocr`` releases fetch
models on first use and are not supported.

How a block or column is read:

1. Detection (DB net) finds the text lines itself.  Large images are first
   scaled down so that at most ``det_max_pixels`` are analysed (never below
   ``det_min_scale``), then cut into overlapping tiles of ``det_tile`` pixels so
   that ONNX Runtime's memory stays bounded (one whole 4832x3424 spread
   detected in one go needs ~2.5 GB; tiles keep it well under 1 GB).  Lines cut
   by a tile edge are merged back.
2. Every line is cropped from the *full-resolution* image (not the scaled
   one) and recognised.  Tall crops (height >= 1.5 x width) are vertical CJK
   lines: RapidOCR rotates them by 90 degrees before recognition, and the
   character boxes are rotated back.
3. Character boxes come from RapidOCR's ``return_word_box`` (CTC column
   positions): they are *estimates* centred on where the network fired, with a
   width equal to the mean character pitch of the line, not glyph outlines.

Output: :class:`~layoutkit.model.Line` objects in the coordinates of the
input image (integer pixels, top-left origin), one :class:`Word` per CJK
character and one per Latin word, confidences 0..100 (the network's mean
character probability x 100).  Lines run top to bottom; when most lines are
vertical (or ``vertical=True``) columns run right to left, each top to bottom.

Known limits: the Chinese model drops most Latin diacritics (``é`` -> ``e``)
and reads Fraktur poorly; for German/French blocks prefer Tesseract (see
``auto``).
"""

from __future__ import annotations

import logging
import math
import os
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import EngineMissing, PageTimeout, ProcessingError
from ..model import BBox, Line, Word
from ..textutil import is_cjk_char

log = logging.getLogger("layoutkit.engines.rapidocr")

INSTALL_HINT = "pip install 'layoutkit[rapidocr]'"
#: languages the bundled PP-OCRv4 ``ch`` model reads (Tesseract-style codes)
LANGUAGES = ("chi_sim", "chi_tra", "eng")
_MODEL_FILES = ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx")


def _import_rapidocr() -> Any:
    try:
        import rapidocr_onnxruntime
    except ImportError as exc:
        raise EngineMissing(f"the rapidocr engine is not installed: run `{INSTALL_HINT}` ({exc})") from exc
    return rapidocr_onnxruntime


def rapidocr_version() -> str:
    """``rapidocr-onnxruntime`` and ONNX Runtime versions; raises EngineMissing."""
    mod = _import_rapidocr()
    models = Path(mod.__file__).parent / "models"
    missing = [m for m in _MODEL_FILES if not (models / m).exists()]
    if missing:
        raise EngineMissing(
            f"rapidocr models missing in {models} ({', '.join(missing)}): "
            f"reinstall with `pip install --force-reinstall 'rapidocr-onnxruntime>=1.4,<1.5'`"
        )
    try:
        ver = metadata.version("rapidocr-onnxruntime")
    except metadata.PackageNotFoundError:  # pragma: no cover - vendored copy
        ver = "unknown"
    try:
        ort = metadata.version("onnxruntime")
    except metadata.PackageNotFoundError:  # pragma: no cover
        ort = "?"
    return f"{ver} (PP-OCRv4, onnxruntime {ort})"


class RapidOcrEngine:
    """PP-OCRv4 through RapidOCR 1.4 / ONNX Runtime on the CPU.

    ``threads``: ONNX Runtime intra-op threads per process (0 = ONNX Runtime's
    default, all physical cores); inter-op threads are always 1.  A batch of N
    workers should pass ``threads=1`` (or cores/N) so N workers use N cores.
    ``text_score``: lines whose recognition score is below this (0..1) are
    dropped, as RapidOCR does.  ``use_cls``: run the 0/180 degree classifier
    (off by default: pages are deskewed upright before recognition, and the
    classifier sometimes flips short vertical lines).
    """

    name = "rapidocr"

    def __init__(
        self,
        threads: int = 0,
        *,
        text_score: float = 0.5,
        use_cls: bool = False,
        det_max_pixels: int = 4_000_000,
        det_min_scale: float = 0.5,
        det_tile: int = 1600,
        det_overlap: int = 160,
    ) -> None:
        self.threads = threads
        self.text_score = text_score
        self.use_cls = use_cls
        self.det_max_pixels = det_max_pixels
        self.det_min_scale = det_min_scale
        self.det_tile = det_tile
        self.det_overlap = det_overlap
        self._ocr: Any = None

    # engines are pickled into batch workers: drop the ONNX sessions
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_ocr"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def version(self) -> str:
        return rapidocr_version()

    def languages(self) -> list[str]:
        _import_rapidocr()
        return list(LANGUAGES)

    def _engine(self) -> Any:
        if self._ocr is None:
            mod = _import_rapidocr()
            rapidocr_version()  # models present?
            cpus = os.cpu_count() or 1
            intra = min(self.threads, cpus) if self.threads > 0 else -1
            try:
                self._ocr = mod.RapidOCR(
                    intra_op_num_threads=intra,
                    inter_op_num_threads=1,
                    # no upscaling of small tiles to 736 px: we tile and pad ourselves
                    det_limit_type="max",
                    det_limit_side_len=max(self.det_tile, 64) + 64,
                    text_score=self.text_score,
                    print_verbose=False,
                )
            except Exception as exc:  # onnxruntime raises its own types
                raise EngineMissing(f"rapidocr could not load its models: {exc}; run `{INSTALL_HINT}`") from exc
        return self._ocr

    def recognize(
        self,
        image: np.ndarray,
        languages: str = "chi_sim+eng",
        timeout: float = 0.0,
        *,
        vertical: bool = False,
        single_line: bool = False,
    ) -> list[Line]:
        """Recognise ``image`` (grey uint8 2-D, or BGR) and return its lines in
        image pixel coordinates.  ``languages`` is accepted for the protocol:
        the one bundled model reads Chinese (simplified and most traditional
        characters) and Latin script.  ``timeout`` (seconds, 0 = none) is
        checked between stages, so a call can overrun it by one stage."""
        if image.size == 0:
            return []
        gray = _to_gray(image)
        if min(gray.shape) < 4:
            return []
        t0 = time.perf_counter()
        ocr = self._engine()
        try:
            if single_line:
                h, w = gray.shape
                boxes = [np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)]
            else:
                boxes = self._detect(ocr, gray, t0, timeout)
            if not boxes:
                return []
            _check_timeout(t0, timeout)
            import cv2

            bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
            # tall crops (h >= 1.5 w) are rotated by 90 degrees inside RapidOCR
            crops = ocr.get_crop_img_list(bgr, boxes)
            if self.use_cls:
                crops, _, _ = ocr.text_cls(crops)
            rec_res, _ = ocr.text_rec(crops, True)
            _check_timeout(t0, timeout)
            word_res = ocr.cal_rec_boxes(crops, boxes, rec_res)
        except (EngineMissing, PageTimeout):
            raise
        except Exception as exc:  # onnxruntime / cv2 errors
            raise ProcessingError(f"rapidocr failed on a {gray.shape[1]}x{gray.shape[0]} image: {exc}") from exc
        h, w = gray.shape
        lines: list[Line] = []
        for box, res in zip(boxes, word_res, strict=True):
            text, score, char_quads, chars, char_confs = res
            if not text.strip() or float(score) < self.text_score:
                continue
            line = _build_line(np.asarray(box), text, float(score), char_quads, chars, char_confs, w, h)
            if line is not None:
                lines.append(line)
        return order_lines(lines, vertical)

    # ------------------------------------------------------------------ detection
    def _detect(self, ocr: Any, gray: np.ndarray, t0: float, timeout: float) -> list[np.ndarray]:
        """Line quads (4x2 float32, clockwise from top-left) in ``gray`` pixels."""
        import cv2

        h, w = gray.shape
        scale = min(1.0, math.sqrt(self.det_max_pixels / float(h * w)))
        scale = max(scale, self.det_min_scale)
        small = gray if scale >= 1.0 else cv2.resize(gray, (max(1, round(w * scale)), max(1, round(h * scale))),
                                                      interpolation=cv2.INTER_AREA)
        sh, sw = small.shape
        tile, ov = self.det_tile, min(self.det_overlap, self.det_tile // 2)
        quads: list[np.ndarray] = []
        tile_of: list[int] = []
        for ti, (y0, x0) in enumerate((y, x) for y in _starts(sh, tile, ov) for x in _starts(sw, tile, ov)):
            _check_timeout(t0, timeout)
            sub = small[y0 : y0 + tile, x0 : x0 + tile]
            sub, (py, px) = _pad_min(sub, 64)
            dt, _ = ocr.text_det(cv2.cvtColor(sub, cv2.COLOR_GRAY2BGR))
            if dt is None or len(dt) == 0:
                continue
            for q in dt:
                q = np.asarray(q, dtype=np.float32).copy()
                q[:, 0] += x0 - px
                q[:, 1] += y0 - py
                quads.append(q)
                tile_of.append(ti)
        quads = _merge_tile_cuts(quads, tile_of)
        out = []
        for q in quads:
            q = q / scale
            q[:, 0] = np.clip(q[:, 0], 0, w)
            q[:, 1] = np.clip(q[:, 1], 0, h)
            if np.ptp(q[:, 0]) >= 3 and np.ptp(q[:, 1]) >= 3:
                out.append(q.astype(np.float32))
        return out


# ---------------------------------------------------------------------- helpers
def _to_gray(image: np.ndarray) -> np.ndarray:
    img = np.asarray(image)
    if img.ndim == 3:
        import cv2

        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY if img.shape[2] == 3 else cv2.COLOR_BGRA2GRAY)
    if img.dtype != np.uint8:
        img = np.clip(img, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(img)


def _check_timeout(t0: float, timeout: float) -> None:
    if timeout and time.perf_counter() - t0 > timeout:
        raise PageTimeout(f"rapidocr timed out after {timeout:.0f} s")


def _starts(length: int, tile: int, overlap: int) -> list[int]:
    """Start offsets of tiles of ``tile`` px overlapping by ``overlap`` px."""
    if length <= tile:
        return [0]
    step = tile - overlap
    starts = list(range(0, length - tile, step))
    starts.append(length - tile)
    return starts


def _pad_min(img: np.ndarray, size: int) -> tuple[np.ndarray, tuple[int, int]]:
    """Pad ``img`` with its background (median grey) to at least ``size`` px a side;
    returns the padded image and the (top, left) padding."""
    h, w = img.shape
    if h >= size and w >= size:
        return img, (0, 0)
    py, px = max(0, (size - h) // 2), max(0, (size - w) // 2)
    out = np.full((max(h, size), max(w, size)), int(np.median(img)), dtype=np.uint8)
    out[py : py + h, px : px + w] = img
    return out, (py, px)


def _merge_tile_cuts(quads: list[np.ndarray], tile_of: list[int]) -> list[np.ndarray]:
    """Merge line pieces that two tiles detected separately (a line cut by a
    tile edge, or a line inside an overlap found twice).  Only pieces from
    different tiles are merged: same orientation, >= 60 % overlap across the
    line, touching along it."""
    if len(set(tile_of)) <= 1:
        return quads
    import cv2

    n = len(quads)
    boxes = np.array([[q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()] for q in quads])
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ws = boxes[:, 2] - boxes[:, 0]
    hs = boxes[:, 3] - boxes[:, 1]
    tiles = np.array(tile_of)
    for i in range(n):
        ox = np.minimum(boxes[i, 2], boxes[:, 2]) - np.maximum(boxes[i, 0], boxes[:, 0])
        oy = np.minimum(boxes[i, 3], boxes[:, 3]) - np.maximum(boxes[i, 1], boxes[:, 1])
        cand = (tiles != tiles[i]) & (ox > 0) & (oy > 0)
        cand[: i + 1] = False
        for j in np.nonzero(cand)[0]:
            # orientation from the longer piece
            horiz = (ws[i] >= hs[i]) if max(ws[i], hs[i]) >= max(ws[j], hs[j]) else (ws[j] >= hs[j])
            if horiz:
                same = oy[j] >= 0.6 * min(hs[i], hs[j])
            else:
                same = ox[j] >= 0.6 * min(ws[i], ws[j])
            if same:
                parent[find(int(j))] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        if len(members) == 1:
            out.append(quads[members[0]])
            continue
        pts = np.concatenate([quads[m] for m in members]).astype(np.float32)
        rect = cv2.boxPoints(cv2.minAreaRect(pts))
        out.append(_order_clockwise(rect))
    return out


def _order_clockwise(pts: np.ndarray) -> np.ndarray:
    """Order 4 points top-left, top-right, bottom-right, bottom-left."""
    xs = pts[np.argsort(pts[:, 0]), :]
    left, right = xs[:2], xs[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.array([tl, tr, br, bl], dtype=np.float32)


def _aabb(points: Any, w: int, h: int) -> BBox | None:
    p = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    x0 = int(max(0, math.floor(p[:, 0].min())))
    y0 = int(max(0, math.floor(p[:, 1].min())))
    x1 = int(min(w, math.ceil(p[:, 0].max())))
    y1 = int(min(h, math.ceil(p[:, 1].max())))
    if x1 <= x0 or y1 <= y0:
        return None
    return BBox(x0, y0, x1, y1)


def _split_box(bbox: BBox, n: int, vertical: bool) -> list[BBox]:
    """``n`` equal cells along a line box (fallback character boxes: estimates)."""
    out = []
    for k in range(n):
        if vertical:
            a = bbox.top + round(k * bbox.height / n)
            b = bbox.top + round((k + 1) * bbox.height / n)
            out.append(BBox(bbox.x0, a, bbox.x1, max(a, b)))
        else:
            a = bbox.x0 + round(k * bbox.width / n)
            b = bbox.x0 + round((k + 1) * bbox.width / n)
            out.append(BBox(a, bbox.top, max(a, b), bbox.bottom))
    return out


#: half-width punctuation the model emits inside Chinese text -> the full-width
#: form Chinese print uses (only applied next to a CJK character)
_FULLWIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}


def cjk_punctuation(chars: list[str]) -> list[str]:
    """Replace ``,;:!?()`` by their full-width forms when the nearest
    non-space neighbour on either side is a CJK character (``12,000`` stays)."""
    out = list(chars)
    n = len(out)
    for k, ch in enumerate(out):
        if ch not in _FULLWIDTH:
            continue
        prev = next((out[i] for i in range(k - 1, -1, -1) if not out[i].isspace()), "")
        nxt = next((out[i] for i in range(k + 1, n) if not out[i].isspace()), "")
        if (is_cjk_char(prev) and prev not in _FULLWIDTH.values()) or (
            is_cjk_char(nxt) and nxt not in _FULLWIDTH.values()
        ):
            out[k] = _FULLWIDTH[ch]
    return out


def _build_line(
    quad: np.ndarray,
    text: str,
    score: float,
    char_quads: list[Any],
    chars: list[str],
    char_confs: list[float],
    w: int,
    h: int,
) -> Line | None:
    """One Line from RapidOCR's result for one detected line.

    Words: each CJK character is a word; a run of other non-space characters
    is a word.  Word boxes are the union of the estimated character boxes."""
    bbox = _aabb(quad, w, h)
    if bbox is None:
        return None
    is_vertical = bbox.height >= 1.5 * bbox.width
    cboxes: list[BBox | None]
    if len(char_quads) == len(chars) == len(text) and chars:
        cboxes = [_aabb(q, w, h) for q in char_quads]
    else:  # pragma: no cover - RapidOCR gave no or inconsistent boxes
        cboxes = list(_split_box(bbox, len(text), is_vertical))
        chars = list(text)
    chars = cjk_punctuation(chars)
    text = "".join(chars)
    confs = [float(c) * 100 for c in char_confs] if len(char_confs) == len(chars) else [score * 100] * len(chars)
    words: list[Word] = []
    run: list[int] = []

    def flush() -> None:
        if not run:
            return
        bs = [cboxes[k] for k in run if cboxes[k] is not None]
        wb = BBox.enclosing(bs) if bs else bbox  # type: ignore[arg-type]
        words.append(Word("".join(chars[k] for k in run), wb, sum(confs[k] for k in run) / len(run)))
        run.clear()

    for k, ch in enumerate(chars):
        if ch.isspace():
            flush()
        elif is_cjk_char(ch):
            flush()
            run.append(k)
            flush()
        else:
            run.append(k)
    flush()
    if not words:
        return None
    return Line(" ".join(text.split()), bbox, tuple(words), score * 100)


def order_lines(lines: list[Line], vertical: bool = False) -> list[Line]:
    """Reading order: rows top to bottom (left to right inside a row); or, when
    ``vertical`` or most multi-character lines are tall, columns right to left
    (top to bottom inside a column).  Lines sharing >= half of the smaller
    extent across the reading direction belong to one row/column."""
    if len(lines) < 2:
        return list(lines)
    tall = sum(1 for ln in lines if len(ln.words) > 1 and ln.bbox.height >= 1.5 * ln.bbox.width)
    wide = sum(1 for ln in lines if len(ln.words) > 1 and ln.bbox.width > ln.bbox.height)
    if vertical or tall > wide:
        return _bands(lines, across=lambda b: (b.x0, b.x1), along=lambda b: b.top, reverse_bands=True)
    return _bands(lines, across=lambda b: (b.top, b.bottom), along=lambda b: b.x0, reverse_bands=False)


def _bands(lines: list[Line], across: Any, along: Any, reverse_bands: bool) -> list[Line]:
    key = (lambda ln: -across(ln.bbox)[1]) if reverse_bands else (lambda ln: across(ln.bbox)[0])
    bands: list[tuple[int, int, list[Line]]] = []
    for ln in sorted(lines, key=key):
        a0, a1 = across(ln.bbox)
        for bi, (b0, b1, members) in enumerate(bands):
            ov = min(a1, b1) - max(a0, b0)
            if ov >= 0.5 * min(a1 - a0, b1 - b0):
                members.append(ln)
                bands[bi] = (min(a0, b0), max(a1, b1), members)
                break
        else:
            bands.append((a0, a1, [ln]))
    if reverse_bands:
        bands.sort(key=lambda b: -b[1])
    else:
        bands.sort(key=lambda b: b[0])
    return [ln for _, _, members in bands for ln in sorted(members, key=lambda ln: along(ln.bbox))]
