"""ALTO 4.4 export (``--format alto``), plus the helpers the other layout
exports share (block language, break-hyphen halves, article units per page).

Coordinates: ``MeasurementUnit`` is ``pixel``; every ``HPOS/VPOS/WIDTH/
HEIGHT`` is in pixels of the page image as analysed (after deskew), origin
top-left, exactly the frame of :mod:`layoutkit.model`.

How layoutkit's knowledge is written with ALTO's own means:

* **Articles**: ``ReadingOrder`` holds one document-level ``OrderedGroup``
  (``ID="ro-doc"``) whose children are one ``OrderedGroup`` per article in
  reading order (``ID="ro-<article id>"``), each listing its blocks with
  ``ElementRef/@REF`` in reading order (across pages: ALTO IDs are unique in
  the file).  Each article also has a ``StructureTag`` (``TYPE="article"``,
  ``LABEL`` = headline) that its blocks point to through ``TAGREFS``, so a
  reader that ignores ``ReadingOrder`` still sees membership.  The block kind
  (headline, body, caption, ...) is a ``RoleTag`` in ``TAGREFS`` too.
* **Column/page continuations**: a ``TextBlock`` whose paragraph the repair
  step continued in another block (``JoinKind.COLUMN``/``PAGE``) gets
  ``IDNEXT`` naming that block.
* **Break hyphens**: the line that ends with a removed break hyphen gets a
  ``HYP`` element; its last ``String`` has ``SUBS_TYPE="HypPart1"`` and the
  first ``String`` of the next line ``SUBS_TYPE="HypPart2"``, both with
  ``SUBS_CONTENT`` = the whole word.
* **Headlines**: ``TextStyle`` with a larger ``FONTSIZE`` (points) and
  ``FONTSTYLE="bold"``, referenced by ``STYLEREFS``.
* Photos are ``Illustration``, rules ``GraphicalElement``; ``SP`` is written
  only between Latin words (never between CJK characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from lxml import etree

from .. import __version__
from ..model import Article, Block, BlockKind, Document, JoinKind, Line, Page, Word
from ..textutil import is_cjk_char, is_cjk_text

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
ALTO_SCHEMA_LOCATION = f"{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"

#: characters a printed break hyphen may be read as
HYPHENS = "-\u2010\u2011\u00ad\u00ac\u2012"

_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_LANG_ALIASES = {
    "chi_sim": "zh-Hans", "chi_tra": "zh-Hant", "chi_sim_vert": "zh-Hans", "chi_tra_vert": "zh-Hant",
    "zho": "zh", "chi": "zh", "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr",
    "jpn": "ja", "kor": "ko",
}
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]")


# --------------------------------------------------------------------------
# helpers shared by the layout exports (alto, pagexml, hocr, pdf)
# --------------------------------------------------------------------------


def xml_id(raw: str) -> str:
    """Make ``raw`` a valid ``xsd:ID`` (an NCName): bad characters become
    ``_`` and a leading non-letter gets an ``id-`` prefix."""
    s = _ID_BAD.sub("_", raw) or "id"
    if not (s[0].isalpha() or s[0] == "_"):
        s = "id-" + s
    return s


def block_language(block: Block) -> str:
    """BCP 47 tag of a block: ``Block.language`` when it is (or maps to) a
    valid tag, else ``zh``/``en`` from the script of its text, else ``""``."""
    lang = block.language.strip()
    if lang:
        first = lang.split("+")[0]
        lang = _LANG_ALIASES.get(first, first.replace("_", "-"))
        if _LANG_RE.match(lang):
            return lang
    text = block.text
    if not any(c.isalpha() for c in text):
        return ""  # page numbers, dates: no language
    return "zh" if is_cjk_text(text) else "en"


@dataclass(frozen=True, slots=True)
class HyphenPart:
    """One half of a word broken by a line-end hyphen.

    ``part`` is 1 (before the break, the word still carries the printed
    hyphen) or 2; ``whole`` is the repaired word without surrounding
    punctuation; ``joined`` is the repaired text to write in place of the
    first half (with its punctuation), e.g. ``"newspaper,"``.
    """

    part: int
    whole: str
    joined: str
    hyphen: str


#: (block id, line index, word index) -> HyphenPart
HyphenMap = dict[tuple[str, int, int], HyphenPart]


def _strip_punct(s: str) -> str:
    i, j = 0, len(s)
    while i < j and not s[i].isalnum():
        i += 1
    while j > i and not s[j - 1].isalnum():
        j -= 1
    return s[i:j]


def _last_word(line: Line) -> str:
    if line.words:
        return line.words[-1].text.strip()
    parts = line.text.split()
    return parts[-1] if parts else ""


def _first_word(line: Line) -> str:
    if line.words:
        return line.words[0].text.strip()
    parts = line.text.split()
    return parts[0] if parts else ""


def hyphen_parts(doc: Document) -> HyphenMap:
    """Locate the two halves of every word the repair step de-hyphenated.

    Uses the article joins of kind ``hyphen``: the left half is the last
    word of a line in ``left_ref`` that ends with a hyphen and whose stem
    matches the end of ``Join.left``; the right half is the first word of
    the next line (in the same block, or the first line of ``right_ref``)
    matching the start of ``Join.right``.  Keys use the word index, or 0 for
    lines without word boxes.  Joins that cannot be located are skipped.
    """
    blocks = {b.id: b for b in doc.blocks()}
    out: HyphenMap = {}
    for art in doc.articles:
        for j in art.joins:
            if j.kind != JoinKind.HYPHEN:
                continue
            lb = blocks.get(j.left_ref) if j.left_ref else None
            rb = blocks.get(j.right_ref) if j.right_ref else None
            cands = [lb] if lb is not None else [blocks[b] for b in art.block_ids if b in blocks]
            ltoks, rtoks = j.left.split(), j.right.split()
            ltok = ltoks[-1].rstrip(HYPHENS) if ltoks else ""
            rtok = rtoks[0] if rtoks else ""
            found = False
            for blk in cands:
                for i, line in enumerate(blk.lines):
                    last = _last_word(line)
                    if not last or last[-1] not in HYPHENS or len(last) < 2:
                        continue
                    if i + 1 < len(blk.lines):
                        nblk, ni = blk, i + 1
                    elif rb is not None and rb.id != blk.id and rb.lines:
                        nblk, ni = rb, 0
                    else:
                        continue
                    key1 = (blk.id, i, max(0, len(line.words) - 1))
                    key2 = (nblk.id, ni, 0)
                    if key1 in out or key2 in out:
                        continue
                    stem = last[:-1]
                    first = _first_word(nblk.lines[ni])
                    if not first:
                        continue
                    if ltok and not (stem.endswith(ltok) or ltok.endswith(stem)):
                        continue
                    if rtok and not (rtok.startswith(first) or first.startswith(rtok)):
                        continue
                    keep = "" if j.removed else last[-1]
                    whole = _strip_punct(stem) + keep + _strip_punct(first)
                    joined = stem + keep + first
                    out[key1] = HyphenPart(1, whole, joined, last[-1])
                    out[key2] = HyphenPart(2, whole, joined, last[-1])
                    found = True
                    break
                if found:
                    break
    return out


def continuations(doc: Document) -> dict[str, str]:
    """Block id -> id of the block its paragraph continues in (column and
    page joins of the repair step)."""
    ids = {b.id for b in doc.blocks()}
    out: dict[str, str] = {}
    for art in doc.articles:
        for j in art.joins:
            if j.kind in (JoinKind.COLUMN, JoinKind.PAGE) and j.left_ref in ids and j.right_ref in ids \
                    and j.left_ref != j.right_ref:
                out.setdefault(j.left_ref, j.right_ref)
    return out


def page_units(doc: Document, page: Page) -> list[tuple[Article | None, list[Block]]]:
    """The blocks of ``page`` grouped for output in reading order by article.

    Returns ``(article, blocks)`` units: blocks outside any article that come
    before the page's first article block (running heads) first, then each
    article with blocks on this page in document article order (its blocks in
    the article's order), then the remaining blocks outside articles, each as
    its own unit with ``article=None``.
    """
    on_page = {b.id: b for b in page.blocks}
    index = {b.id: i for i, b in enumerate(page.blocks)}
    in_article: set[str] = set()
    arts: list[tuple[Article | None, list[Block]]] = []
    for art in doc.articles:
        blks = [on_page[bid] for bid in art.block_ids if bid in on_page and bid not in in_article]
        if blks:
            in_article.update(b.id for b in blks)
            arts.append((art, blks))
    first = min((index[b.id] for _, blks in arts for b in blks), default=len(page.blocks))
    before: list[tuple[Article | None, list[Block]]] = []
    after: list[tuple[Article | None, list[Block]]] = []
    for i, b in enumerate(page.blocks):
        if b.id in in_article:
            continue
        (before if i < first else after).append((None, [b]))
    return before + arts + after


def line_words(line: Line) -> tuple[Word, ...]:
    """The words of a line; a line without word boxes becomes one word with
    the line's text and box."""
    if line.words:
        return tuple(w for w in line.words if w.text.strip())
    if line.text.strip():
        return (Word(line.text.strip(), line.bbox, line.confidence),)
    return ()


def latin_gap(left: str, right: str) -> bool:
    """True when a space belongs between two adjacent words (neither side CJK)."""
    return bool(left) and bool(right) and not (is_cjk_char(left[-1]) or is_cjk_char(right[0]))


def page_of_block(doc: Document) -> dict[str, int]:
    return {b.id: p.number for p in doc.pages for b in p.blocks}


# --------------------------------------------------------------------------
# ALTO
# --------------------------------------------------------------------------


def _q(tag: str) -> str:
    return f"{{{ALTO_NS}}}{tag}"


def _pos(el: etree._Element, x0: int, top: int, x1: int, bottom: int) -> None:
    el.set("HPOS", str(x0))
    el.set("VPOS", str(top))
    el.set("WIDTH", str(max(0, x1 - x0)))
    el.set("HEIGHT", str(max(0, bottom - top)))


def _points(px: float, dpi: int) -> float:
    return round(px * 72.0 / (dpi or 300), 1)


def _block_font_px(block: Block) -> float:
    sizes = [w.font_size for ln in block.lines for w in ln.words if w.font_size > 0]
    if sizes:
        return float(median(sizes))
    heights = [ln.bbox.height for ln in block.lines if ln.bbox.height > 0]
    return float(median(heights)) * 0.85 if heights else 0.0


def _styles(doc: Document) -> tuple[dict[str, str], list[tuple[str, float, bool]]]:
    """Block id -> TextStyle id, and the styles (id, size in pt, bold)."""
    refs: dict[str, str] = {}
    styles: dict[str, tuple[float, bool]] = {}
    for page in doc.pages:
        body = [_block_font_px(b) for b in page.blocks if b.kind == BlockKind.BODY and b.lines]
        body_pt = _points(median(body), page.dpi) if body else 0.0
        if body_pt > 0:
            sid = f"ts-body-{body_pt:g}".replace(".", "_")
            styles[sid] = (body_pt, False)
            for b in page.blocks:
                if b.kind == BlockKind.BODY and b.lines:
                    refs[b.id] = sid
        for b in page.blocks:
            if b.kind not in (BlockKind.HEADLINE, BlockKind.SUBHEAD) or not b.lines:
                continue
            pt = _points(_block_font_px(b), page.dpi)
            if pt <= 0:
                continue
            pt = max(pt, round(body_pt * 1.2, 1)) if b.kind == BlockKind.HEADLINE else pt
            sid = f"ts-{b.kind.value}-{pt:g}".replace(".", "_")
            styles[sid] = (pt, True)
            refs[b.id] = sid
    return refs, [(k, v[0], v[1]) for k, v in sorted(styles.items())]


def _text_block(parent: etree._Element, block: Block, hyph: HyphenMap, attrs: dict[str, str]) -> None:
    tb = etree.SubElement(parent, _q("TextBlock"), ID=xml_id(block.id))
    _pos(tb, *block.bbox.as_tuple())
    for k, v in attrs.items():
        tb.set(k, v)
    for li, line in enumerate(block.lines):
        words = line_words(line)
        if not words:
            continue
        tl = etree.SubElement(tb, _q("TextLine"), ID=xml_id(f"{block.id}-l{li + 1}"))
        _pos(tl, *line.bbox.as_tuple())
        hyp_el: tuple[int, int, int, int, str] | None = None
        prev: Word | None = None
        for wi, w in enumerate(words):
            text = w.text.strip()
            if prev is not None and latin_gap(prev.text.strip(), text):
                sp = etree.SubElement(tl, _q("SP"))
                gx0, gx1 = prev.bbox.x1, max(prev.bbox.x1, w.bbox.x0)
                sp.set("HPOS", str(gx0))
                sp.set("VPOS", str(line.bbox.top))
                sp.set("WIDTH", str(gx1 - gx0))
            part = hyph.get((block.id, li, wi if line.words else 0))
            x0, top, x1, bottom = w.bbox.as_tuple()
            if part is not None and part.part == 1 and wi == len(words) - 1 and text[-1:] in HYPHENS:
                # the printed hyphen becomes HYP; the String keeps the stem
                hw = max(1, (x1 - x0) // max(1, len(text)))
                hyp_el = (x1 - hw, top, x1, bottom, text[-1])
                text = text[:-1]
                x1 = max(x0, x1 - hw)
            s = etree.SubElement(tl, _q("String"), ID=xml_id(f"{block.id}-l{li + 1}-w{wi + 1}"))
            _pos(s, x0, top, x1, bottom)
            s.set("CONTENT", text)
            if w.confidence >= 0:
                s.set("WC", f"{min(1.0, max(0.0, w.confidence / 100.0)):.2f}")
            if part is not None and ((part.part == 1 and hyp_el is not None) or (part.part == 2 and wi == 0)):
                s.set("SUBS_TYPE", f"HypPart{part.part}")
                s.set("SUBS_CONTENT", part.whole)
            prev = w
        if hyp_el is not None:
            hy = etree.SubElement(tl, _q("HYP"))
            _pos(hy, *hyp_el[:4])
            hy.set("CONTENT", hyp_el[4])


def _engines(doc: Document) -> str:
    names = sorted({p.engine for p in doc.pages if p.engine})
    return ", ".join(names)


def build_tree(doc: Document) -> etree._Element:
    """The ALTO document as an lxml element (see the module docstring)."""
    hyph = hyphen_parts(doc)
    nxt = continuations(doc)
    style_of, styles = _styles(doc)
    art_of = {bid: a for a in doc.articles for bid in a.block_ids}
    known = {b.id for b in doc.blocks()}

    root = etree.Element(_q("alto"), nsmap={None: ALTO_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", ALTO_SCHEMA_LOCATION)
    root.set("SCHEMAVERSION", "4.4")
    desc = etree.SubElement(root, _q("Description"))
    etree.SubElement(desc, _q("MeasurementUnit")).text = "pixel"
    sii = etree.SubElement(desc, _q("sourceImageInformation"))
    etree.SubElement(sii, _q("fileName")).text = doc.source
    ocr = etree.SubElement(desc, _q("OCRProcessing"), ID="ocr-1")
    step = etree.SubElement(ocr, _q("ocrProcessingStep"))
    settings = [f"page {p.number}: path={p.path} dpi={p.dpi} skew={p.skew:.3f}" for p in doc.pages]
    etree.SubElement(step, _q("processingStepSettings")).text = "; ".join(settings)
    sw = etree.SubElement(step, _q("processingSoftware"))
    etree.SubElement(sw, _q("softwareName")).text = "layoutkit"
    etree.SubElement(sw, _q("softwareVersion")).text = __version__
    engines = _engines(doc)
    etree.SubElement(sw, _q("applicationDescription")).text = (
        "layout analysis, reading order, article grouping and break repair"
        + (f"; OCR engine: {engines}" if engines else "")
    )
    if styles:
        st = etree.SubElement(root, _q("Styles"))
        for sid, pt, bold in styles:
            ts = etree.SubElement(st, _q("TextStyle"), ID=sid, FONTSIZE=f"{pt:g}")
            if bold:
                ts.set("FONTSTYLE", "bold")

    used_kinds = sorted({b.kind.value for b in doc.blocks()})
    arts = [a for a in doc.articles if any(bid in known for bid in a.block_ids)]
    if used_kinds or arts:
        tags = etree.SubElement(root, _q("Tags"))
        for a in arts:
            etree.SubElement(tags, _q("StructureTag"), ID=xml_id(f"art-{a.id}"), TYPE="article",
                             LABEL=a.headline.replace("\n", " ") or a.id, DESCRIPTION=f"article {a.id}")
        for k in used_kinds:
            etree.SubElement(tags, _q("RoleTag"), ID=f"kind-{k}", TYPE="block-kind", LABEL=k)
    if arts:
        ro = etree.SubElement(root, _q("ReadingOrder"))
        top = etree.SubElement(ro, _q("OrderedGroup"), ID="ro-doc")
        for a in arts:
            g = etree.SubElement(top, _q("OrderedGroup"), ID=xml_id(f"ro-{a.id}"), TAGREFS=xml_id(f"art-{a.id}"))
            for k, bid in enumerate(b for b in a.block_ids if b in known):
                etree.SubElement(g, _q("ElementRef"), ID=xml_id(f"ro-{a.id}-{k + 1}"), REF=xml_id(bid))

    layout = etree.SubElement(root, _q("Layout"))
    for page in doc.pages:
        pg = etree.SubElement(layout, _q("Page"), ID=f"page{page.number}", PHYSICAL_IMG_NR=str(page.number),
                              WIDTH=str(page.width), HEIGHT=str(page.height))
        if page.status.value != "ok":
            pg.set("PC", "0")
        if not page.blocks:
            continue
        ps = etree.SubElement(pg, _q("PrintSpace"), ID=f"page{page.number}-ps")
        _pos(ps, 0, 0, page.width, page.height)
        for block in page.blocks:
            tagrefs = [f"kind-{block.kind.value}"]
            art = art_of.get(block.id)
            if art is not None:
                tagrefs.insert(0, xml_id(f"art-{art.id}"))
            attrs = {"TAGREFS": " ".join(tagrefs)}
            if block.kind == BlockKind.PHOTO:
                el = etree.SubElement(ps, _q("Illustration"), ID=xml_id(block.id), TYPE="photo")
                _pos(el, *block.bbox.as_tuple())
                el.set("TAGREFS", attrs["TAGREFS"])
                continue
            if block.kind == BlockKind.RULE:
                el = etree.SubElement(ps, _q("GraphicalElement"), ID=xml_id(block.id))
                _pos(el, *block.bbox.as_tuple())
                el.set("TAGREFS", attrs["TAGREFS"])
                continue
            if block.id in style_of:
                attrs["STYLEREFS"] = style_of[block.id]
            if block.id in nxt:
                attrs["IDNEXT"] = xml_id(nxt[block.id])
            lang = block_language(block)
            if lang:
                attrs["LANG"] = lang
            _text_block(ps, block, hyph, attrs)
    return root


def render(doc: Document, **_: object) -> bytes:
    """ALTO 4.4 XML (UTF-8) of the whole document, one ``Page`` per page."""
    return etree.tostring(build_tree(doc), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def iter_strings(tree: etree._Element) -> Iterable[etree._Element]:
    """All ``String`` elements of an ALTO tree in document order."""
    return tree.iter(f"{{{ALTO_NS}}}String")
