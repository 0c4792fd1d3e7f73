"""Scan-like degradations of a rendered page.

Each kind is a name recorded in the ground truth.  Functions take a grey
uint8 image (255 = paper) and a seeded ``numpy`` generator, and return a
:class:`Degraded` result: the new image, its dpi, the factor by which page
coordinates were scaled (lowres) and the skew angle applied (degrees,
positive = counter-clockwise, about the page centre; ground-truth regions stay
in unskewed coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..errors import UsageError

KINDS = ("clean", "lowres", "blur", "noise", "skew", "jpeg", "binarized", "lighting", "scan")


@dataclass(frozen=True, slots=True)
class Degraded:
    image: np.ndarray
    dpi: int
    scale: float = 1.0
    skew: float = 0.0


def _noise(img: np.ndarray, rng: np.random.Generator, sigma: float, specks: float) -> np.ndarray:
    f = img.astype(np.float32) + rng.normal(0, sigma, img.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if specks > 0:
        n = int(out.size * specks)
        ys = rng.integers(0, out.shape[0], n)
        xs = rng.integers(0, out.shape[1], n)
        out[ys, xs] = rng.integers(0, 90, n).astype(np.uint8)
    return out


def _quantize(img: np.ndarray, step: int) -> np.ndarray:
    """Round grey levels to multiples of ``step``: keeps noise visible while PNG
    files stay small enough to commit."""
    return np.clip(np.round(img.astype(np.float32) / step) * step, 0, 255).astype(np.uint8)


def _paper(img: np.ndarray, level: int = 240) -> np.ndarray:
    """Off-white paper: map 255 to ``level`` keeping black."""
    return (img.astype(np.float32) * (level / 255.0)).astype(np.uint8)


def degrade(img: np.ndarray, dpi: int, kind: str, seed: int) -> Degraded:
    """Apply one named degradation (see ``KINDS``) deterministically from ``seed``."""
    rng = np.random.default_rng(seed)
    if kind == "clean":
        return Degraded(img.copy(), dpi)
    if kind == "scan":  # the sample's look: slightly grey paper, mild noise and softness
        out = cv2.GaussianBlur(_paper(img, 240), (0, 0), 0.6)
        return Degraded(_quantize(_noise(out, rng, 2.6, 0.00003), 8), dpi)
    if kind == "lowres":
        scale = 200 / dpi
        h, w = img.shape
        out = cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        return Degraded(out, 200, scale)
    if kind == "blur":
        return Degraded(cv2.GaussianBlur(img, (0, 0), float(rng.uniform(1.2, 1.7))), dpi)
    if kind == "noise":
        out = cv2.GaussianBlur(_paper(img, 232), (0, 0), 0.5)
        return Degraded(_quantize(_noise(out, rng, float(rng.uniform(10, 13)), 0.0004), 16), dpi)
    if kind == "skew":
        angle = float(rng.uniform(0.6, 2.0) * rng.choice((-1, 1)))
        h, w = img.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        out = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        return Degraded(out, dpi, 1.0, round(angle, 3))
    if kind == "jpeg":
        q = int(rng.integers(12, 22))
        ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
        if not ok:
            raise UsageError("jpeg degradation: OpenCV could not encode the page")
        return Degraded(cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE), dpi)
    if kind == "binarized":
        soft = cv2.GaussianBlur(_noise(img, rng, 10.0, 0.0), (0, 0), 0.8)
        out = np.where(soft < 150, 0, 255).astype(np.uint8)
        return Degraded(out, dpi)
    if kind == "lighting":
        h, w = img.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(w, h)
        paper = 235 - 95 * d - 25 * (xx / w)  # yellowed, darker away from the light
        ink = 25 + 20 * d
        f = img.astype(np.float32) / 255.0
        out = ink + (paper - ink) * f
        return Degraded(_quantize(_noise(np.clip(out, 0, 255).astype(np.uint8), rng, 2.0, 0.0), 8), dpi)
    raise UsageError(f"unknown degradation {kind!r}; choose from {', '.join(KINDS)}")
