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

import hashlib
import logging
import math
import os
import time
from collections import OrderedDict
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
        rec_chunk: int = 640,
        rec_min_width: int = 160,
        rec_batch: int = 1,
        cache_size: int = 8,
    ) -> None:
        self.threads = threads
        self.rec_chunk = rec_chunk
        self.rec_min_width = rec_min_width
        self.rec_batch = rec_batch
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, list[Line]] = OrderedDict()
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
        state["_cache"] = OrderedDict()
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
            try:
                ocr = mod.RapidOCR(
                    intra_op_num_threads=1,
                    inter_op_num_threads=1,
                    # no upscaling of small tiles to 736 px: we tile and pad ourselves
                    det_limit_type="max",
                    det_limit_side_len=max(self.det_tile, 64) + 64,
                    text_score=self.text_score,
                    print_verbose=False,
                )
                # RapidOCR gives no way to set session config entries: the
                # detection and recognition sessions are rebuilt with ours
                for holder in (ocr.text_det.infer, ocr.text_rec.session, ocr.text_cls.infer):
                    holder.session = self._session(holder.session._model_path)
            except Exception as exc:  # onnxruntime raises its own types
                raise EngineMissing(f"rapidocr could not load its models: {exc}; run `{INSTALL_HINT}`") from exc
            self._ocr = ocr
        return self._ocr

    def _session(self, model_path: str) -> Any:
        """An ONNX Runtime CPU session: ``threads`` intra-op threads (0 = one per
        core), one inter-op thread, and no spin-waiting, so that idle worker
        threads give their core back instead of busy-waiting for the next op
        (spinning costs up to 2x wall time when other processes share the cores)."""
        import onnxruntime as ort

        cpus = os.cpu_count() or 1
        so = ort.SessionOptions()
        so.log_severity_level = 4
        so.enable_cpu_mem_arena = False
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.intra_op_num_threads = min(self.threads, cpus) if self.threads > 0 else cpus
        so.inter_op_num_threads = 1
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        so.add_session_config_entry("session.inter_op.allow_spinning", "0")
        return ort.InferenceSession(model_path, sess_options=so, providers=["CPUExecutionProvider"])

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
        characters) and Latin script, so a call that repeats one of the last
        ``cache_size`` calls with other languages returns the same lines
        without running the models again.  ``single_line``: the image is one
        horizontal line and detection is skipped, unless the image plainly is
        not one line (see :func:`looks_like_one_line`).  ``timeout`` (seconds,
        0 = none) is checked between stages, so a call can overrun it by one
        stage."""
        if image.size == 0:
            return []
        gray = _to_gray(image)
        if min(gray.shape) < 4:
            return []
        hasher = hashlib.blake2b(f"{gray.shape} {vertical:d} {single_line:d}".encode(), digest_size=16)
        hasher.update(gray.tobytes())
        key = hasher.digest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return list(self._cache[key])
        lines = self._recognize(gray, timeout, vertical, single_line)
        if self.cache_size > 0:
            self._cache[key] = list(lines)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return lines

    def _recognize(self, gray: np.ndarray, timeout: float, vertical: bool, single_line: bool) -> list[Line]:
        import cv2

        t0 = time.perf_counter()
        ocr = self._engine()
        h, w = gray.shape
        try:
            bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
            if single_line and looks_like_one_line(gray):
                boxes = [np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)]
                # the whole image: no perspective warp needed
                crops = [np.ascontiguousarray(np.rot90(bgr)) if h >= 1.5 * w else bgr]
            else:
                boxes = self._detect(ocr, gray, t0, timeout)
                if not boxes:
                    return []
                # tall crops (h >= 1.5 w) are rotated by 90 degrees inside RapidOCR
                crops = ocr.get_crop_img_list(bgr, boxes)
            _check_timeout(t0, timeout)
            if self.use_cls:
                crops, _, _ = ocr.text_cls(crops)
            # long lines are read in chunks cut at gaps between characters
            pieces: list[tuple[int, np.ndarray, np.ndarray]] = []
            for i, (box, crop) in enumerate(zip(boxes, crops, strict=True)):
                for sub, quad in _chunks(crop, np.asarray(box, dtype=np.float32), self.rec_chunk):
                    pieces.append((i, sub, quad))
            rec_res = self._rec([p[1] for p in pieces], t0, timeout)
            word_res = ocr.cal_rec_boxes([p[1] for p in pieces], [p[2] for p in pieces], rec_res)
        except (EngineMissing, PageTimeout):
            raise
        except Exception as exc:  # onnxruntime / cv2 errors
            raise ProcessingError(f"rapidocr failed on a {w}x{h} image: {exc}") from exc
        merged = _merge_pieces([p[0] for p in pieces], word_res, len(boxes))
        lines: list[Line] = []
        for box, res in zip(boxes, merged, strict=True):
            if res is None:
                continue
            text, score, char_quads, chars, char_confs = res
            if not text.strip() or float(score) < self.text_score:
                continue
            line = _build_line(np.asarray(box), text, float(score), char_quads, chars, char_confs, w, h)
            if line is not None:
                lines.append(line)
        return order_lines(lines, vertical)

    def _rec(self, crops: list[np.ndarray], t0: float, timeout: float) -> list[Any]:
        """Recognise line images (BGR, text left to right): RapidOCR's
        ``(text, score, word_info)`` per image.  Images are sorted by aspect
        ratio and batched (at most ``rec_batch`` per run, widths within 1.5x of
        each other, so that little padding is computed); each batch is padded
        to its widest image but at least ``rec_min_width`` px at the model's
        48 px height."""
        rec = self._engine().text_rec
        _, img_h, _ = rec.rec_image_shape
        ratios = [c.shape[1] / float(c.shape[0]) for c in crops]
        order = np.argsort(np.array(ratios), kind="stable")
        out: list[Any] = [("", 0.0, [0, [], [], [], []])] * len(crops)
        k = 0
        while k < len(order):
            batch = [int(order[k])]
            while (len(batch) < max(1, self.rec_batch) and k + len(batch) < len(order)
                   and ratios[int(order[k + len(batch)])] <= 1.5 * ratios[batch[0]] + 1.0):
                batch.append(int(order[k + len(batch)]))
            k += len(batch)
            _check_timeout(t0, timeout)
            max_ratio = max(max(ratios[i] for i in batch), self.rec_min_width / img_h, 1.0)
            norm = np.concatenate([rec.resize_norm_img(crops[i], max_ratio)[np.newaxis] for i in batch])
            preds = rec.session(norm.astype(np.float32))[0]
            res = rec.postprocess_op(preds, True, wh_ratio_list=[ratios[i] for i in batch], max_wh_ratio=max_ratio)
            for i, r in zip(batch, res, strict=True):
                out[i] = r
        return out

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


def looks_like_one_line(gray: np.ndarray) -> bool:
    """Whether ``gray`` (grey uint8) can be one horizontal line of text.

    Images up to 96 px tall are taken as given.  A taller image is one line
    only when it is at least 1.5x as wide as tall, its ink rows form one band,
    and its ink columns break into no more runs than characters of the ink's
    height could make (6 per em of width): a block of vertical columns or of
    several lines handed over as "one line" fails one of these tests and is
    read with detection instead."""
    h, w = gray.shape
    if h <= 96:
        return True
    if w < 1.5 * h:
        return False
    import cv2

    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    rows = _runs(ink.any(axis=1), bridge=2)
    if sum(1 for a, b in rows if b - a >= 0.2 * h) >= 2:
        return False
    em = max(1, sum(b - a for a, b in rows))
    cols = _runs(ink.any(axis=0), bridge=0)
    return len(cols) <= 6 * w / em + 3


def _runs(mask: np.ndarray, bridge: int) -> list[tuple[int, int]]:
    """[start, end) runs of True in a 1-D mask; gaps of <= ``bridge`` are bridged."""
    idx = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    runs = list(zip(idx[::2].tolist(), idx[1::2].tolist(), strict=True))
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and a - out[-1][1] <= bridge:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _chunks(crop: np.ndarray, quad: np.ndarray, max_len: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut a line image into pieces of at most about ``max_len`` px along the
    text (measured at the recognition model's 48 px height), at the gap
    between characters nearest each even cut; ``max_len`` <= 0 keeps it whole.

    ``crop`` is the line as RapidOCR feeds it to the recogniser (text left to
    right; a vertical line has been turned 90 degrees so that its top is on
    the left), ``quad`` its four corners in the source image (clockwise from
    top-left).  Returns (piece image, piece quad in source pixels) pairs in
    reading order; the quads split ``quad`` along its top and bottom edges
    (horizontal lines) or its left and right edges (vertical lines)."""
    ch, cw = crop.shape[:2]
    length = cw * 48.0 / max(ch, 1)
    if max_len <= 0 or length <= max_len * 1.25:
        return [(crop, quad)]
    n = math.ceil(length / max_len)
    gray = crop if crop.ndim == 2 else crop[:, :, 0]
    import cv2

    _, ink = cv2.threshold(np.ascontiguousarray(gray), 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    profile = ink.sum(axis=0).astype(np.float32)
    # smooth over ~ a tenth of the line height so that a gap inside a glyph loses to one between glyphs
    k = max(1, ch // 10) | 1
    profile = np.convolve(profile, np.ones(k, np.float32) / k, mode="same")
    cuts = [0]
    step = cw / n
    for j in range(1, n):
        lo = max(cuts[-1] + 1, int(step * (j - 0.3)))
        hi = min(cw - 1, int(step * (j + 0.3)))
        if hi <= lo:
            continue
        seg = profile[lo:hi]
        best = np.flatnonzero(seg <= seg.min() + 1e-3)
        # the middle of the widest stretch of least ink
        cuts.append(lo + int(best[len(best) // 2]))
    cuts.append(cw)
    tall = ch > 0 and np.linalg.norm(quad[0] - quad[3]) >= 1.5 * np.linalg.norm(quad[0] - quad[1])
    p0, p1, p2, p3 = quad
    out = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        fa, fb = a / cw, b / cw
        if tall:  # along the left (p0->p3) and right (p1->p2) edges
            sub = np.array([p0 + fa * (p3 - p0), p1 + fa * (p2 - p1), p1 + fb * (p2 - p1), p0 + fb * (p3 - p0)])
        else:  # along the top (p0->p1) and bottom (p3->p2) edges
            sub = np.array([p0 + fa * (p1 - p0), p0 + fb * (p1 - p0), p3 + fb * (p2 - p3), p3 + fa * (p2 - p3)])
        out.append((np.ascontiguousarray(crop[:, a:b]), sub.astype(np.float32)))
    return out


def _merge_pieces(owner: list[int], word_res: list[Any], n: int) -> list[Any]:
    """Join the recognition results of the pieces of each line (in reading
    order) into one ``(text, score, char_quads, chars, char_confs)`` per line;
    None for a line whose pieces read nothing.  The score is the
    character-weighted mean of the pieces' scores."""
    parts: list[list[Any]] = [[] for _ in range(n)]
    for i, res in zip(owner, word_res, strict=True):
        parts[i].append(res)
    out: list[Any] = []
    for items in parts:
        items = [r for r in items if r[0]]
        if not items:
            out.append(None)
            continue
        if len(items) == 1:
            out.append(items[0])
            continue
        text = "".join(r[0] for r in items)
        score = sum(float(r[1]) * len(r[0]) for r in items) / len(text)
        quads = [q for r in items for q in r[2]]
        chars = [c for r in items for c in r[3]]
        confs = [c for r in items for c in r[4]]
        out.append((text, score, quads, chars, confs))
    return out


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
