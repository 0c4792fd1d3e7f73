"""Characters, rules and images of one PDF page, read with pdfium.

pdfium's text page API (through pypdfium2) is an order of magnitude faster
than pdfminer/pdfplumber for character extraction and gives what the
text-layer path needs per character: the Unicode value, whether the font
could map it (``FPDFText_HasUnicodeMapError``), the loose box (advance width
times font height, so gaps between boxes are printed gaps), the font name
and the text render mode of its text object (mode 3 = invisible, as written
by OCR tools).  Path and image objects give printed rules and photos.

Coordinates: every box returned here is in *page pixels* at the requested
DPI, origin top-left of the page **as displayed** (``/Rotate`` applied,
cropped to the crop box), x to the right, y downwards -- the frame of
:mod:`layoutkit.model`.

Nothing here decides anything; :mod:`layoutkit.textlayer` does.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path

from .errors import BadInput
from .model import BBox

#: font-name tokens that mean a heavy weight (matched case-insensitively
#: against the name without its subset prefix)
BOLD_TOKENS = ("bold", "heavy", "black", "semibold", "demi", "extrab", "ultrab", "-b", "medium")
#: CJK sans ("Hei", "Gothic") faces: bold only when the body is set in another face
HEI_TOKENS = ("hei", "gothic", "黑")

#: code points skipped at extraction (pdfium also generates these between words/lines)
_SPACES = frozenset({0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009, 0x200B})

#: outline width, as a fraction of the font size, from which filled and
#: stroked text is a faked bold (a hairline stroke does not thicken a glyph)
FAKE_BOLD_STROKE = 0.01

#: largest page side accepted, in PDF points (the PDF limit is 14,400 pt)
MAX_PAGE_POINTS = 14_400.0


@dataclass(frozen=True, slots=True)
class PdfChar:
    """One printed character.

    ``x0, top, x1, bottom``: loose box (advance x font height) in page pixels,
    top-left origin of the displayed page (its side across the writing
    direction is about 1.0-1.2 x the font size).  ``size``: font size in page
    pixels (``Tf`` size x text matrix x CTM scale).  ``font``:
    base font name without the ``ABCDEF+`` subset prefix.  ``unmapped``: the
    font had no Unicode mapping for the glyph.  ``invisible``: text render
    mode 3 (OCR layers).  ``index``: position in pdfium's text order.
    ``stroked``: filled and stroked (render mode 2 or 6) with an outline of
    at least :data:`FAKE_BOLD_STROKE` of the font size -- a bold weight faked
    from a regular face (common in CJK PDFs, whose fonts seldom have a bold).
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    invisible: bool
    unmapped: bool
    index: int
    stroked: bool = False

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class PdfPageData:
    """What one PDF page holds.  ``width``/``height`` are page pixels at
    ``dpi`` of the displayed (rotated, cropped) page.  ``rules`` are thin
    path objects (printed rules, box edges); ``images`` image objects, both
    clipped to the page.  ``fonts`` maps font name -> embedded flag.
    ``image_area`` is the fraction of the page covered by the largest image;
    ``text_before_image`` is True when text objects are painted before
    (i.e. under) that image."""

    number: int
    width: int
    height: int
    dpi: int
    rotation: int
    chars: tuple[PdfChar, ...]
    rules: tuple[BBox, ...]
    images: tuple[BBox, ...]
    fonts: tuple[tuple[str, bool], ...]
    image_area: float
    text_before_image: bool


def strip_subset(name: str) -> str:
    """``ABCDEF+SimSun`` -> ``SimSun``."""
    if len(name) > 7 and name[6] == "+" and name[:6].isupper() and name[:6].isalpha():
        return name[7:]
    return name


def is_bold_name(font: str) -> bool:
    """True when the font name says it is a heavy weight (Hei faces excluded:
    see :data:`HEI_TOKENS`)."""
    low = strip_subset(font).lower()
    return any(tok in low for tok in BOLD_TOKENS)


def is_hei_name(font: str) -> bool:
    low = strip_subset(font).lower()
    return any(tok in low for tok in HEI_TOKENS)


class _Frame:
    """Affine map from PDF user space (points, bottom-left origin) to page
    pixels of the displayed page (``/Rotate`` clockwise, crop box origin)."""

    def __init__(self, box: tuple[float, float, float, float], rotation: int, dpi: int) -> None:
        self.left, self.bottom, self.right, self.top = box
        self.w = self.right - self.left
        self.h = self.top - self.bottom
        self.rot = rotation % 360
        self.k = dpi / 72.0

    def size_px(self) -> tuple[int, int]:
        w, h = (self.h, self.w) if self.rot in (90, 270) else (self.w, self.h)
        return max(1, int(round(w * self.k))), max(1, int(round(h * self.k)))

    def rect(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """PDF rect -> (x0, top, x1, bottom) in page pixels."""
        # unrotated, top-left origin, points
        u0, u1 = left - self.left, right - self.left
        v0, v1 = self.top - top, self.top - bottom
        if self.rot == 90:
            x0, x1, y0, y1 = self.h - v1, self.h - v0, u0, u1
        elif self.rot == 180:
            x0, x1, y0, y1 = self.w - u1, self.w - u0, self.h - v1, self.h - v0
        elif self.rot == 270:
            x0, x1, y0, y1 = v0, v1, self.w - u1, self.w - u0
        else:
            x0, x1, y0, y1 = u0, u1, v0, v1
        k = self.k
        return x0 * k, y0 * k, x1 * k, y1 * k


def _clip_box(x0: float, top: float, x1: float, bottom: float, w: int, h: int) -> BBox | None:
    a, b = max(0, int(x0)), max(0, int(top))
    c, d = min(w, int(x1 + 0.999)), min(h, int(bottom + 0.999))
    if c <= a or d <= b:
        return None
    return BBox(a, b, c, d)


def page_size_points(page: object) -> tuple[float, float]:
    """Displayed page size in points (rotation applied)."""
    w, h = page.get_size()  # type: ignore[attr-defined]
    return float(w), float(h)


def extract_page(page: object, number: int, dpi: int, path: Path | str = "") -> PdfPageData:
    """Read characters, rules and images of a pypdfium2 ``PdfPage``.

    Raises :class:`BadInput` when pdfium cannot read the page's text.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    rotation = int(page.get_rotation())  # type: ignore[attr-defined]
    box = tuple(float(v) for v in page.get_bbox())  # type: ignore[attr-defined]
    frame = _Frame(box, rotation, dpi)  # type: ignore[arg-type]
    width, height = frame.size_px()
    try:
        textpage = page.get_textpage()  # type: ignore[attr-defined]
    except pdfium.PdfiumError as exc:
        raise BadInput(f"{path}: page {number}: the text layer cannot be read ({exc}); the PDF may be corrupt") from None

    chars: list[PdfChar] = []
    fonts: dict[str, bool] = {}
    obj_info: dict[int, tuple[str, bool, float, bool]] = {}
    mat = raw.FS_MATRIX()
    name_buf = ctypes.create_string_buffer(512)
    flags = ctypes.c_int()
    rect = raw.FS_RECTF()
    prect = ctypes.byref(rect)
    tp = textpage.raw
    n = textpage.count_chars()
    get_box, get_obj = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetTextObject
    is_gen = raw.FPDFText_IsGenerated
    map_err = raw.FPDFText_HasUnicodeMapError
    # the text object's address as a plain int (a cast per character is slow)
    vp = ctypes.c_void_p
    obj_addr = ctypes.CFUNCTYPE(vp, vp, ctypes.c_int)(ctypes.cast(get_obj, vp).value)
    tp_addr = ctypes.cast(tp, vp).value
    whole = textpage.get_text_range(0, n) if n else ""
    codes = [ord(c) for c in whole] if len(whole) == n else [raw.FPDFText_GetUnicode(tp, i) for i in range(n)]
    unrotated = frame.rot == 0
    k, fl, ft = frame.k, frame.left, frame.top
    try:
        for i in range(n):
            cp = codes[i]
            if cp in _SPACES:
                # pdfium's generated spaces/newlines are dropped (words come from
                # geometry); printed spaces are kept as " " for the line joiner
                if cp in (0x0A, 0x0D) or is_gen(tp, i) or not get_box(tp, i, prect):
                    continue
                x0, top, x1, bottom = frame.rect(rect.left, rect.bottom, rect.right, rect.top)
                chars.append(PdfChar(" ", x0, top, x1, bottom, 0.0, "", False, False, i))
                continue
            if not get_box(tp, i, prect):
                continue
            key = obj_addr(tp_addr, i) or 0
            info = obj_info.get(key)
            if info is None:
                obj = get_obj(tp, i)
                got = raw.FPDFText_GetFontInfo(tp, i, name_buf, len(name_buf), ctypes.byref(flags))
                fname = strip_subset(name_buf.value.decode("utf-8", "replace")) if got else ""
                mode = raw.FPDFTextObj_GetTextRenderMode(obj) if obj else -1
                invisible = mode == raw.FPDF_TEXTRENDERMODE_INVISIBLE
                if obj and fname not in fonts:
                    font = raw.FPDFTextObj_GetFont(obj)
                    fonts[fname] = bool(font) and bool(raw.FPDFFont_GetIsEmbedded(font))
                size = float(raw.FPDFText_GetFontSize(tp, i))
                if raw.FPDFText_GetMatrix(tp, i, ctypes.byref(mat)):
                    size *= abs(mat.a * mat.d - mat.b * mat.c) ** 0.5
                stroked = False
                if mode in (raw.FPDF_TEXTRENDERMODE_FILL_STROKE, raw.FPDF_TEXTRENDERMODE_FILL_STROKE_CLIP):
                    sw = ctypes.c_float()
                    # line width in user space, as the size (points, CTM scale ignored)
                    if raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(sw)):
                        stroked = sw.value >= FAKE_BOLD_STROKE * size
                info = (fname, invisible, size * frame.k, stroked)
                obj_info[key] = info
            if unrotated:
                x0, x1 = (rect.left - fl) * k, (rect.right - fl) * k
                top, bottom = (ft - rect.top) * k, (ft - rect.bottom) * k
            else:
                x0, top, x1, bottom = frame.rect(rect.left, rect.bottom, rect.right, rect.top)
            if x1 - x0 <= 0 and bottom - top <= 0:
                continue
            unmapped = cp == 0 or bool(map_err(tp, i))
            try:
                text = chr(cp) if cp else "\ufffd"
            except ValueError:
                text, unmapped = "\ufffd", True
            chars.append(PdfChar(text, x0, top, x1, bottom, info[2], info[0], info[1], unmapped, i, info[3]))
    finally:
        textpage.close()

    rules, images, image_area, first_image_idx, first_text_idx = _page_objects(page, frame, width, height)
    text_before = first_image_idx >= 0 and 0 <= first_text_idx <= first_image_idx
    return PdfPageData(
        number, width, height, dpi, rotation, tuple(chars), tuple(rules), tuple(images),
        tuple(sorted(fonts.items())), image_area, text_before,
    )


def _walk_objects(page: object, max_depth: int = 3) -> list[tuple[int, object]]:
    """(type, raw FPDF_PAGEOBJECT) of the page's path, image and text
    objects in painting order, descending into form XObjects up to
    ``max_depth`` levels -- the traversal of pypdfium2's ``get_objects``,
    without a helper object per page object (a page set one string per
    character holds thousands of text objects)."""
    import pypdfium2.raw as raw

    want = (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_TEXT)
    form_t = raw.FPDF_PAGEOBJ_FORM
    get_type = raw.FPDFPageObj_GetType
    out: list[tuple[int, object]] = []

    def walk(count: int, get: object, parent: object, level: int) -> None:
        for i in range(count):
            obj = get(parent, i)  # type: ignore[operator]
            if not obj:
                continue
            t = get_type(obj)
            if t in want:
                out.append((t, obj))
            elif t == form_t and level < max_depth - 1:
                n = raw.FPDFFormObj_CountObjects(obj)
                if n > 0:
                    walk(n, raw.FPDFFormObj_GetObject, obj, level + 1)

    praw = page.raw  # type: ignore[attr-defined]
    n = raw.FPDFPage_CountObjects(praw)
    if n > 0:
        walk(n, raw.FPDFPage_GetObject, praw, 0)
    return out


def _page_objects(page: object, frame: _Frame, width: int, height: int,
                  ) -> tuple[list[BBox], list[BBox], float, int, int]:
    """Rules (thin paths, edges of stroked boxes) and images, in page pixels;
    the largest image's page fraction and its index among the path and
    image objects (-1 if none); and the index, in the same count, of the
    first text object (-1 if none)."""
    import pypdfium2.raw as raw

    rules: list[BBox] = []
    images: list[BBox] = []
    best_area, best_idx, first_text = 0.0, -1, -1
    page_area = float(width * height)
    k = frame.k
    thin, long_ = 3.0 * k, 18.0 * k  # 3 pt thick, 18 pt long
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    idx = -1
    for t, obj in _walk_objects(page):
        if t == raw.FPDF_PAGEOBJ_TEXT:
            if first_text < 0:
                first_text = idx + 1
            continue
        idx += 1
        if not raw.FPDFPageObj_GetBounds(obj, *refs):
            continue  # a broken object is skipped, not fatal
        x0, y0, x1, y1 = frame.rect(left.value, bottom.value, right.value, top.value)
        bb = _clip_box(x0, y0, x1, y1, width, height)
        if bb is None:
            continue
        if t == raw.FPDF_PAGEOBJ_IMAGE:
            images.append(bb)
            if bb.area > best_area:
                best_area, best_idx = float(bb.area), idx
            continue
        if (bb.height <= thin and bb.width >= long_) or (bb.width <= thin and bb.height >= long_):
            rules.append(bb)
        elif bb.width >= long_ and bb.height >= long_ and _is_stroked_box(obj):
            w = max(1, int(k))
            rules.extend([
                BBox(bb.x0, bb.top, bb.x1, min(bb.bottom, bb.top + w)),
                BBox(bb.x0, max(bb.top, bb.bottom - w), bb.x1, bb.bottom),
                BBox(bb.x0, bb.top, min(bb.x1, bb.x0 + w), bb.bottom),
                BBox(max(bb.x0, bb.x1 - w), bb.top, bb.x1, bb.bottom),
            ])
    return rules, images, (best_area / page_area if page_area else 0.0), best_idx, first_text


def _is_stroked_box(obj: object) -> bool:
    """A stroked, unfilled path of at most 6 segments (a frame around a box)."""
    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    try:
        if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
            return False
        return bool(stroke.value) and not fill.value and raw.FPDFPath_CountSegments(obj) <= 6
    except Exception:  # noqa: BLE001
        return False
