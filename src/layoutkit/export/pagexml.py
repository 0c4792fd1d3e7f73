"""PAGE XML 2019-07-15 export (``--format page``).

PAGE holds one page per file (``PcGts`` has exactly one ``Page``):
:func:`render` writes a single-page document; for several pages use
:func:`render_pages` (one file per page) or ``render(doc, page=N)``.

Mapping: text blocks are ``TextRegion`` with ``type`` heading (headline,
subhead), paragraph (body, byline), caption, header, footer, page-number (a
footer or header that is only a page number) or other (jump lines); the
layoutkit kind is kept in ``custom="structure {type:<kind>;}"``.  Photos are
``ImageRegion``, rules ``SeparatorRegion``.  ``Coords/@points`` are the
box corners in page pixels (after deskew, origin top-left).  ``TextEquiv``
is written at region, line and word level (word ``conf`` = confidence/100).
``ReadingOrder`` is one ``OrderedGroup`` whose members, in reading order,
are one ``OrderedGroupIndexed`` per article (``caption`` = headline) listing
its regions with ``RegionRefIndexed``, and the regions outside articles.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lxml import etree

from .. import __version__
from ..errors import UsageError
from ..model import Block, BlockKind, Document, Page
from .alto import block_language, line_words, page_units, xml_id

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PAGE_SCHEMA_LOCATION = f"{PAGE_NS} {PAGE_NS}/pagecontent.xsd"

_TYPES = {
    BlockKind.HEADLINE: "heading",
    BlockKind.SUBHEAD: "heading",
    BlockKind.BODY: "paragraph",
    BlockKind.BYLINE: "paragraph",
    BlockKind.CAPTION: "caption",
    BlockKind.HEADER: "header",
    BlockKind.FOOTER: "footer",
    BlockKind.JUMP: "other",
}
#: "3", "- 3 -", "第3版", "第三版", "Page 3", "A3"
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:page\s*|p\.\s*|第\s*)?[A-Z]?[0-9一二三四五六七八九十百零〇]{1,4}\s*(?:版|页|頁)?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
# PAGE languages are English names (LanguageSimpleType)
_LANG_NAMES = {"zh": "Chinese", "en": "English", "de": "German", "fr": "French", "ja": "Japanese",
               "ko": "Korean", "es": "Spanish", "it": "Italian", "ru": "Russian", "nl": "Dutch"}
_SCRIPTS = {"zh-Hant": "Hant - Han (Traditional variant)", "zh": "Hans - Han (Simplified variant)",
            "ja": "Jpan - Japanese", "ko": "Kore - Korean (alias for Hangul + Han)", "ru": "Cyrl - Cyrillic"}


def _q(tag: str) -> str:
    return f"{{{PAGE_NS}}}{tag}"


def _coords(parent: etree._Element, x0: int, top: int, x1: int, bottom: int) -> None:
    x0, top = max(0, x0), max(0, top)
    x1, bottom = max(x0 + 1, x1), max(top + 1, bottom)
    etree.SubElement(parent, _q("Coords"), points=f"{x0},{top} {x1},{top} {x1},{bottom} {x0},{bottom}")


def _text_equiv(parent: etree._Element, text: str, conf: float | None = None) -> None:
    te = etree.SubElement(parent, _q("TextEquiv"))
    if conf is not None and conf >= 0:
        te.set("conf", f"{min(1.0, conf / 100.0):.2f}")
    etree.SubElement(te, _q("Unicode")).text = text


def region_type(block: Block) -> str:
    """The PAGE ``TextRegion/@type`` of a text block."""
    if block.kind in (BlockKind.HEADER, BlockKind.FOOTER) and _PAGE_NUMBER.match(block.text.replace("\n", " ")):
        return "page-number"
    return _TYPES.get(block.kind, "other")


def _region(parent: etree._Element, block: Block) -> None:
    rid = xml_id(block.id)
    if block.kind == BlockKind.PHOTO:
        el = etree.SubElement(parent, _q("ImageRegion"), id=rid, custom="structure {type:photo;}")
        _coords(el, *block.bbox.as_tuple())
        return
    if block.kind == BlockKind.RULE:
        el = etree.SubElement(parent, _q("SeparatorRegion"), id=rid, custom="structure {type:rule;}")
        _coords(el, *block.bbox.as_tuple())
        return
    tr = etree.SubElement(parent, _q("TextRegion"), id=rid, type=region_type(block),
                          custom=f"structure {{type:{block.kind.value};}}")
    lang = block_language(block)
    base = lang.split("-")[0]
    if base in _LANG_NAMES:
        tr.set("primaryLanguage", _LANG_NAMES[base])
    script = _SCRIPTS.get(lang) or _SCRIPTS.get(base) or ("Latn - Latin" if base in _LANG_NAMES else "")
    if script:
        tr.set("primaryScript", script)
    _coords(tr, *block.bbox.as_tuple())
    texts = []
    for li, line in enumerate(block.lines):
        words = line_words(line)
        if not words:
            continue
        lid = xml_id(f"{block.id}_l{li + 1}")
        tl = etree.SubElement(tr, _q("TextLine"), id=lid)
        _coords(tl, *line.bbox.as_tuple())
        for wi, w in enumerate(words):
            we = etree.SubElement(tl, _q("Word"), id=f"{lid}_w{wi + 1}")
            _coords(we, *w.bbox.as_tuple())
            _text_equiv(we, w.text.strip(), w.confidence)
        _text_equiv(tl, line.text, line.confidence)
        texts.append(line.text)
    _text_equiv(tr, "\n".join(texts))


def build_tree(doc: Document, page: Page, created: datetime | None = None) -> etree._Element:
    """The ``PcGts`` element of one page."""
    root = etree.Element(_q("PcGts"), nsmap={None: PAGE_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", PAGE_SCHEMA_LOCATION)
    root.set("pcGtsId", xml_id(f"layoutkit-page{page.number}"))
    md = etree.SubElement(root, _q("Metadata"))
    etree.SubElement(md, _q("Creator")).text = f"layoutkit {__version__}"
    stamp = (created or datetime.now(UTC)).replace(microsecond=0).isoformat()
    etree.SubElement(md, _q("Created")).text = stamp
    etree.SubElement(md, _q("LastChange")).text = stamp
    etree.SubElement(md, _q("Comments")).text = (
        f"page {page.number} of {len(doc.pages)}; path={page.path}; engine={page.engine or '-'}; "
        f"skew={page.skew:.3f} deg corrected; coordinates in pixels of the deskewed page"
    )
    pg = etree.SubElement(root, _q("Page"), imageFilename=doc.source, imageWidth=str(page.width),
                          imageHeight=str(page.height), imageXResolution=str(page.dpi),
                          imageYResolution=str(page.dpi), imageResolutionUnit="PPI")
    units = page_units(doc, page)
    if units:
        ro = etree.SubElement(pg, _q("ReadingOrder"))
        grp = etree.SubElement(ro, _q("OrderedGroup"), id=f"ro-page{page.number}", caption="articles")
        for i, (art, blocks) in enumerate(units):
            if art is None:
                etree.SubElement(grp, _q("RegionRefIndexed"), index=str(i), regionRef=xml_id(blocks[0].id))
                continue
            og = etree.SubElement(grp, _q("OrderedGroupIndexed"), id=xml_id(f"ro-page{page.number}-{art.id}"),
                                  index=str(i), caption=art.headline.replace("\n", " ") or art.id,
                                  type="article", custom=f"article {{id:{art.id};}}")
            for k, b in enumerate(blocks):
                etree.SubElement(og, _q("RegionRefIndexed"), index=str(k), regionRef=xml_id(b.id))
    for block in page.blocks:
        _region(pg, block)
    return root


def render_page(doc: Document, page: Page, created: datetime | None = None) -> bytes:
    """PAGE XML (UTF-8) of one page of ``doc``."""
    return etree.tostring(build_tree(doc, page, created), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)


def render_pages(doc: Document) -> list[tuple[int, bytes]]:
    """One PAGE XML document per page: ``[(page number, bytes), ...]``."""
    created = datetime.now(UTC)
    return [(p.number, render_page(doc, p, created)) for p in doc.pages]


def render(doc: Document, page: int | None = None, **_: object) -> bytes:
    """PAGE XML of a single-page document, or of page ``page`` (1-based)."""
    if page is None:
        if len(doc.pages) != 1:
            raise UsageError(
                f"{doc.source}: PAGE XML holds one page per file and this document has {len(doc.pages)} pages; "
                "convert page by page or use --format alto"
            )
        return render_page(doc, doc.pages[0])
    for p in doc.pages:
        if p.number == page:
            return render_page(doc, p)
    raise UsageError(f"{doc.source}: no page {page} (the document has {len(doc.pages)} pages)")
