"""hOCR 1.2 export (``--format hocr``): well-formed XHTML.

Structure, in reading order by article: one ``ocr_page`` per page (``bbox``,
``image``, ``ppageno`` 0-based, ``scan_res``); in it one ``ocr_carea`` per
article with blocks on that page (its blocks' union box) and one per block
outside any article; in a carea one ``ocr_par`` per text block (``lang``
from :func:`~layoutkit.export.alto.block_language`), ``ocr_photo`` for
photos and ``ocr_separator`` for rules; ``ocr_line`` and ``ocrx_word`` with
``bbox x0 y0 x1 y1`` in page pixels (after deskew, origin top-left) and
``x_wconf`` (0..100, omitted when unknown).  A space is written between
Latin words only, so the text content reads like the text format.
The article id is ``data-article`` on the carea element and the block kind
``data-kind`` on each block element.
"""

from __future__ import annotations

from lxml import etree

from .. import __version__
from ..model import BBox, Block, BlockKind, Document
from .alto import block_language, latin_gap, line_words, page_units, xml_id

XHTML_NS = "http://www.w3.org/1999/xhtml"
_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocr_photo ocr_separator ocrp_wconf ocrp_lang"


def _q(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


def _bbox(x0: int, top: int, x1: int, bottom: int) -> str:
    return f"bbox {x0} {top} {x1} {bottom}"


def _block(parent: etree._Element, block: Block) -> None:
    bid = xml_id(f"block_{block.id}")
    if block.kind in (BlockKind.PHOTO, BlockKind.RULE):
        cls = "ocr_photo" if block.kind == BlockKind.PHOTO else "ocr_separator"
        el = etree.SubElement(parent, _q("div"), {"class": cls, "id": bid, "title": _bbox(*block.bbox.as_tuple())})
        el.set("data-kind", block.kind.value)
        el.tail = "\n"
        return
    par = etree.SubElement(parent, _q("p"), {"class": "ocr_par", "id": bid, "title": _bbox(*block.bbox.as_tuple())})
    par.set("data-kind", block.kind.value)
    par.tail = "\n"
    lang = block_language(block)
    if lang:
        par.set("lang", lang)
        par.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    last_line: etree._Element | None = None
    for li, line in enumerate(block.lines):
        words = line_words(line)
        if not words:
            continue
        if last_line is not None:
            last_line.tail = "\n"
        ln = etree.SubElement(par, _q("span"), {
            "class": "ocr_line", "id": xml_id(f"line_{block.id}_{li + 1}"),
            "title": f"{_bbox(*line.bbox.as_tuple())}; baseline 0 0; x_size {line.bbox.height}",
        })
        last_line = ln
        prev_el: etree._Element | None = None
        prev_text = ""
        for wi, w in enumerate(words):
            text = w.text.strip()
            title = _bbox(*w.bbox.as_tuple())
            if w.confidence >= 0:
                title += f"; x_wconf {int(round(w.confidence))}"
            if prev_el is not None and latin_gap(prev_text, text):
                prev_el.tail = " "
            we = etree.SubElement(ln, _q("span"), {"class": "ocrx_word", "id": xml_id(f"word_{block.id}_{li + 1}_{wi + 1}"),
                                                   "title": title})
            we.text = text
            prev_el, prev_text = we, text


def build_tree(doc: Document) -> etree._Element:
    """The hOCR ``html`` element of the whole document."""
    langs = [block_language(b) for b in doc.blocks() if b.lines]
    doc_lang = max(set(langs), key=langs.count) if langs else ""
    html = etree.Element(_q("html"), nsmap={None: XHTML_NS})
    if doc_lang:
        html.set("lang", doc_lang)
        html.set("{http://www.w3.org/XML/1998/namespace}lang", doc_lang)
    head = etree.SubElement(html, _q("head"))
    etree.SubElement(head, _q("title")).text = doc.source
    etree.SubElement(head, _q("meta"), {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    engines = sorted({p.engine for p in doc.pages if p.engine})
    etree.SubElement(head, _q("meta"), name="ocr-system",
                     content=f"layoutkit {__version__}" + (f" ({', '.join(engines)})" if engines else ""))
    etree.SubElement(head, _q("meta"), name="ocr-capabilities", content=CAPABILITIES)
    etree.SubElement(head, _q("meta"), name="ocr-number-of-pages", content=str(len(doc.pages)))
    head.tail = "\n"
    body = etree.SubElement(html, _q("body"))
    body.text = "\n"
    image = doc.source.replace('"', "%22")
    for idx, page in enumerate(doc.pages):
        pg = etree.SubElement(body, _q("div"), {
            "class": "ocr_page", "id": f"page_{page.number}",
            "title": f'image "{image}"; {_bbox(0, 0, page.width, page.height)}; ppageno {idx}; '
                     f"scan_res {page.dpi} {page.dpi}",
        })
        pg.text = pg.tail = "\n"
        for n, (art, blocks) in enumerate(page_units(doc, page)):
            box = BBox.enclosing(b.bbox for b in blocks)
            ident = f"carea_{page.number}_{art.id}" if art is not None else f"carea_{page.number}_{n + 1}"
            ca = etree.SubElement(pg, _q("div"), {"class": "ocr_carea", "id": xml_id(ident), "title": _bbox(*box.as_tuple())})
            ca.text = ca.tail = "\n"
            if art is not None:
                ca.set("data-article", art.id)
            for b in blocks:
                _block(ca, b)
    return html


def render(doc: Document, **_: object) -> bytes:
    """hOCR (XHTML, UTF-8) of the whole document."""
    body = etree.tostring(build_tree(doc), encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + _DOCTYPE.encode() + b"\n" + body + b"\n"
