"""ALTO, PAGE XML, hOCR, Markdown and JSON exports of a hand-built
two-page Document (see conftest_export.py): schema validity against the
official schemas (local copies in tests/schemas), and what each format says
about articles, reading order, hyphenation and column joins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from conftest_export import EN_P1, ZH_A1_CAP, ZH_A1_HEAD, build, single_page
from layoutkit.errors import UsageError
from layoutkit.export import alto, hocr, jsonfmt, markdown, pagexml, render
from layoutkit.model import Article, BBox, Block, BlockKind, Document, Line, Page, Paragraph, Word
from layoutkit.textutil import is_cjk_char

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_JSON = Path(__file__).parents[1] / "src" / "layoutkit" / "schema" / "document.schema.json"
A = f"{{{alto.ALTO_NS}}}"
P = f"{{{pagexml.PAGE_NS}}}"
H = f"{{{hocr.XHTML_NS}}}"


class _LocalXlink(etree.Resolver):
    """alto-4-4.xsd imports xlink.xsd from loc.gov: serve the local copy."""

    def resolve(self, url, pubid, context):  # type: ignore[no-untyped-def]
        if url and url.endswith("xlink.xsd"):
            return self.resolve_filename(str(SCHEMAS / "xlink.xsd"), context)
        return None


def _schema(name: str) -> etree.XMLSchema:
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is missing; copy it from ../shared/schemas")
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalXlink())
    return etree.XMLSchema(etree.parse(str(path), parser))


@pytest.fixture(scope="module")
def alto_schema() -> etree.XMLSchema:
    return _schema("alto-4-4.xsd")


@pytest.fixture(scope="module")
def page_schema() -> etree.XMLSchema:
    return _schema("pagecontent-2019-07-15.xsd")


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> Document:
    d, _ = build(tmp_path_factory.mktemp("export"))
    return d


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_local_schemas_match_shared_copies() -> None:
    shared = Path(__file__).parents[2] / "shared" / "schemas"
    if not shared.is_dir():
        pytest.skip(f"{shared} absent: nothing to compare the local schema copies with")
    for name in ("alto-4-4.xsd", "pagecontent-2019-07-15.xsd"):
        assert (SCHEMAS / name).read_bytes() == (shared / name).read_bytes(), name


# ---------------------------------------------------------------- ALTO


def test_alto_validates(doc: Document, alto_schema: etree.XMLSchema) -> None:
    tree = etree.fromstring(alto.render(doc))
    assert alto_schema.validate(tree), alto_schema.error_log
    assert tree.findtext(f"{A}Description/{A}MeasurementUnit") == "pixel"
    assert tree.findtext(f".//{A}softwareName") == "layoutkit"
    pages = tree.findall(f".//{A}Page")
    assert [p.get("PHYSICAL_IMG_NR") for p in pages] == ["1", "2"]
    assert pages[0].get("WIDTH") == "1000"


def test_alto_single_pages_validate(doc: Document, alto_schema: etree.XMLSchema) -> None:
    for n in (1, 2):
        tree = etree.fromstring(alto.render(single_page(doc, n)))
        assert alto_schema.validate(tree), alto_schema.error_log


def test_alto_articles_in_reading_order(doc: Document) -> None:
    tree = etree.fromstring(alto.render(doc))
    groups = tree.findall(f"{A}ReadingOrder/{A}OrderedGroup/{A}OrderedGroup")
    assert [g.get("ID") for g in groups] == ["ro-a1", "ro-a2", "ro-a3"]
    refs = [e.get("REF") for e in groups[0]]
    assert refs == ["p1-b3", "p1-b4", "p1-b5", "p1-b6", "p1-b7"]
    tags = {t.get("ID"): t.get("LABEL") for t in tree.iter(f"{A}StructureTag")}
    assert tags["art-a1"] == ZH_A1_HEAD
    blk = tree.find(f".//{A}TextBlock[@ID='p1-b7']")
    assert blk.get("TAGREFS").split() == ["art-a1", "kind-caption"]
    # photo and rule
    assert tree.find(f".//{A}Illustration[@ID='p1-b6']") is not None
    assert tree.find(f".//{A}GraphicalElement[@ID='p1-b2']") is not None


def test_alto_column_join_is_linked(doc: Document) -> None:
    tree = etree.fromstring(alto.render(doc))
    assert tree.find(f".//{A}TextBlock[@ID='p1-b4']").get("IDNEXT") == "p1-b5"
    assert tree.find(f".//{A}TextBlock[@ID='p2-b3']").get("IDNEXT") == "p2-b4"
    assert tree.find(f".//{A}TextBlock[@ID='p1-b9']").get("IDNEXT") is None


def test_alto_hyphenation(doc: Document) -> None:
    tree = etree.fromstring(alto.render(doc))
    subs = [(s.get("CONTENT"), s.get("SUBS_TYPE"), s.get("SUBS_CONTENT"))
            for s in tree.iter(f"{A}String") if s.get("SUBS_TYPE")]
    assert subs == [
        ("recon", "HypPart1", "reconstruction"), ("struction", "HypPart2", "reconstruction"),
        ("traf", "HypPart1", "traffic"), ("fic", "HypPart2", "traffic"),
        ("opera", "HypPart1", "operation"), ("tion.", "HypPart2", "operation"),
    ]
    # each first half's line ends with HYP, after its last String
    for s in tree.iter(f"{A}String"):
        if s.get("SUBS_TYPE") == "HypPart1":
            line = s.getparent()
            assert line[-1].tag == f"{A}HYP" and line[-1].get("CONTENT") == "-"
            assert line[-2] is s


def test_alto_spaces_only_between_latin_words(doc: Document) -> None:
    tree = etree.fromstring(alto.render(doc))
    for line in tree.iter(f"{A}TextLine"):
        kids = list(line)
        for i, el in enumerate(kids):
            if el.tag == f"{A}SP":
                left, right = kids[i - 1].get("CONTENT"), kids[i + 1].get("CONTENT")
                assert not is_cjk_char(left[-1]) and not is_cjk_char(right[0])
    zh = tree.find(f".//{A}TextBlock[@ID='p1-b4']")
    assert zh.find(f".//{A}SP") is None
    en = tree.find(f".//{A}TextBlock[@ID='p2-b3']")
    assert len(en.findall(f".//{A}SP")) > 10


def test_alto_lang_style_and_confidence(doc: Document) -> None:
    tree = etree.fromstring(alto.render(doc))
    langs = {b.get("ID"): b.get("LANG") for b in tree.iter(f"{A}TextBlock")}
    assert langs["p1-b4"] == "zh" and langs["p1-b5"] == "zh"  # p1-b5 from its script
    assert langs["p2-b3"] == "en" and langs["p1-b10"] is None  # a bare page number has no language
    styles = {s.get("ID"): s for s in tree.iter(f"{A}TextStyle")}
    head = tree.find(f".//{A}TextBlock[@ID='p1-b3']")
    body = tree.find(f".//{A}TextBlock[@ID='p1-b4']")
    hs, bs = styles[head.get("STYLEREFS")], styles[body.get("STYLEREFS")]
    assert hs.get("FONTSTYLE") == "bold" and float(hs.get("FONTSIZE")) > float(bs.get("FONTSIZE"))
    wcs = {s.get("WC") for s in tree.iter(f"{A}String")}
    assert wcs == {"0.91", "0.88"}


def _alto_article_texts(tree: etree._Element) -> dict[str, str]:
    """Read articles back from our ALTO: ReadingOrder groups, strings with
    hyphenated halves replaced by SUBS_CONTENT (whitespace not compared)."""
    blocks = {b.get("ID"): b for b in tree.iter(f"{A}TextBlock")}
    out = {}
    for g in tree.findall(f"{A}ReadingOrder/{A}OrderedGroup/{A}OrderedGroup"):
        parts = []
        for ref in g:
            blk = blocks.get(ref.get("REF"))
            if blk is None:
                continue
            for s in blk.iter(f"{A}String"):
                st = s.get("SUBS_TYPE")
                if st == "HypPart1":
                    parts.append(s.get("SUBS_CONTENT"))
                elif st == "HypPart2":
                    # keep only the punctuation after the second half: the word is in SUBS_CONTENT
                    content = s.get("CONTENT")
                    parts.append(content[len(content.rstrip(".,;:!?")):])
                else:
                    parts.append(s.get("CONTENT"))
        out[g.get("ID")[3:]] = "".join(parts)
    return out


def test_alto_round_trip_gives_article_text(doc: Document) -> None:
    texts = _alto_article_texts(etree.fromstring(alto.render(doc)))
    for art in doc.articles:
        assert texts[art.id] == _nows(art.text), art.id


# ---------------------------------------------------------------- PAGE XML


def test_page_validates_per_page(doc: Document, page_schema: etree.XMLSchema) -> None:
    pages = pagexml.render_pages(doc)
    assert [n for n, _ in pages] == [1, 2]
    for _, data in pages:
        tree = etree.fromstring(data)
        assert page_schema.validate(tree), page_schema.error_log
    one = etree.fromstring(render(single_page(doc, 1), "page"))
    assert page_schema.validate(one), page_schema.error_log


def test_page_multi_page_needs_a_page_number(doc: Document) -> None:
    with pytest.raises(UsageError, match="one page per file"):
        pagexml.render(doc)
    tree = etree.fromstring(pagexml.render(doc, page=2))
    assert tree.find(f"{P}Page").get("imageWidth") == "1000"
    with pytest.raises(UsageError, match="no page 7"):
        pagexml.render(doc, page=7)


def test_page_regions_types_and_text(doc: Document) -> None:
    tree = etree.fromstring(pagexml.render(doc, page=1))
    types = {r.get("id"): r.get("type") for r in tree.iter(f"{P}TextRegion")}
    assert types == {"p1-b1": "header", "p1-b3": "heading", "p1-b4": "paragraph", "p1-b5": "paragraph",
                     "p1-b7": "caption", "p1-b8": "heading", "p1-b9": "paragraph", "p1-b10": "page-number"}
    assert tree.find(f".//{P}ImageRegion[@id='p1-b6']") is not None
    assert tree.find(f".//{P}SeparatorRegion[@id='p1-b2']") is not None
    cap = tree.find(f".//{P}TextRegion[@id='p1-b7']")
    assert cap.findtext(f"{P}TextEquiv/{P}Unicode") == ZH_A1_CAP
    x0, top, x1, bottom = doc.pages[0].block("p1-b7").bbox.as_tuple()
    assert cap.find(f"{P}Coords").get("points") == f"{x0},{top} {x1},{top} {x1},{bottom} {x0},{bottom}"
    line = cap.find(f"{P}TextLine")
    assert line.findtext(f"{P}TextEquiv/{P}Unicode") == ZH_A1_CAP
    words = line.findall(f"{P}Word")
    assert "".join(w.findtext(f"{P}TextEquiv/{P}Unicode") for w in words) == ZH_A1_CAP
    assert words[0].find(f"{P}TextEquiv").get("conf") == "0.91"


def test_page_reading_order_groups_articles(doc: Document) -> None:
    tree = etree.fromstring(pagexml.render(doc, page=1))
    top = tree.find(f".//{P}ReadingOrder/{P}OrderedGroup")
    kids = list(top)
    assert [k.get("index") for k in kids] == [str(i) for i in range(len(kids))]
    groups = [k for k in kids if k.tag == f"{P}OrderedGroupIndexed"]
    assert [g.get("caption") for g in groups] == [ZH_A1_HEAD, "地铁五号线进入试运行"]
    assert [r.get("regionRef") for r in groups[0]] == ["p1-b3", "p1-b4", "p1-b5", "p1-b6", "p1-b7"]
    # the header comes before the articles, the page number after
    assert kids[0].get("regionRef") == "p1-b1" and kids[-1].get("regionRef") == "p1-b10"


# ---------------------------------------------------------------- hOCR


def test_hocr_parses_and_groups_articles(doc: Document) -> None:
    tree = etree.fromstring(hocr.render(doc))
    assert tree.tag == f"{H}html"
    meta = {m.get("name"): m.get("content") for m in tree.iter(f"{H}meta") if m.get("name")}
    assert meta["ocr-system"].startswith("layoutkit ")
    pages = [d for d in tree.iter(f"{H}div") if d.get("class") == "ocr_page"]
    assert len(pages) == 2
    assert "bbox 0 0 1000 1400" in pages[0].get("title") and "ppageno 0" in pages[0].get("title")
    careas = [d for d in pages[0] if d.get("class") == "ocr_carea"]
    arts = [c.get("data-article") for c in careas]
    assert arts == [None, None, "a1", "a2", None]  # header, rule, two articles, page number
    a1 = careas[2]
    assert [p.get("id") for p in a1] == ["block_p1-b3", "block_p1-b4", "block_p1-b5", "block_p1-b6", "block_p1-b7"]
    assert a1[3].get("class") == "ocr_photo"
    assert a1[1].get("lang") == "zh"


def test_hocr_words(doc: Document) -> None:
    tree = etree.fromstring(hocr.render(doc))
    words = [w for w in tree.iter(f"{H}span") if w.get("class") == "ocrx_word"]
    assert all(re.fullmatch(r"bbox \d+ \d+ \d+ \d+; x_wconf \d+", w.get("title")) for w in words)
    par = next(p for p in tree.iter(f"{H}p") if p.get("id") == "block_p2-b3")
    assert par.get("lang") == "en"
    lines = ["".join(ln.itertext()) for ln in par if ln.get("class") == "ocr_line"]
    assert lines[0] == "The old river port reopened on"
    zh = next(p for p in tree.iter(f"{H}p") if p.get("id") == "block_p1-b4")
    assert " " not in "".join(zh.itertext())


# ---------------------------------------------------------------- Markdown


def test_markdown_structure(doc: Document) -> None:
    md = markdown.render(doc).decode("utf-8")
    blocks = md.rstrip("\n").split("\n\n")
    assert blocks[0] == "<!-- page 1 -->"
    assert blocks[1] == f"## {ZH_A1_HEAD}"
    assert f"*{ZH_A1_CAP}*" in blocks
    heads = [b for b in blocks if b.startswith("## ")]
    assert heads == [f"## {ZH_A1_HEAD}", "## 地铁五号线进入试运行", "## River Port Reopens After Repairs"]
    i = blocks.index("<!-- page 2 -->")
    assert blocks[i + 1] == "## River Port Reopens After Repairs"
    assert blocks[i + 2] == "By Anna Lee" and blocks[i + 3] == EN_P1
    assert md.endswith("\n") and "\n\n\n" not in md


def test_markdown_escapes_and_untitled() -> None:
    blk = Block("p1-b1", BlockKind.BODY, BBox(0, 0, 10, 10), (Line("x", BBox(0, 0, 10, 10), (Word("x", BBox(0, 0, 10, 10)),)),))
    art = Article("a1", "", (Paragraph("# not a heading", BlockKind.BODY, ("p1-b1",)),
                             Paragraph("1. not a list with *stars* and _under_", BlockKind.BODY, ("p1-b1",)),
                             Paragraph("- dash", BlockKind.BODY, ("p1-b1",))), ("p1-b1",))
    d = Document("x.png", (Page(1, 10, 10, 300, (blk,)),), (art,))
    md = markdown.render(d).decode("utf-8")
    assert md.split("\n\n") == ["## (untitled)", r"\# not a heading",
                                r"1\. not a list with \*stars\* and \_under\_", "\\- dash\n"]
    assert "<!-- page" not in md  # single page: no markers


def test_markdown_escape_unit() -> None:
    assert markdown.escape("> quote") == r"\> quote"
    assert markdown.escape("a <b> c") == r"a \<b\> c"
    assert markdown.escape("2024年3月") == "2024年3月"
    assert markdown.escape("---") == r"\---"


# ---------------------------------------------------------------- JSON + registry


def test_json_validates_against_schema(doc: Document) -> None:
    schema = json.loads(SCHEMA_JSON.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    data = json.loads(jsonfmt.render(doc))
    errors = list(validator.iter_errors(data))
    assert not errors, errors[0].message
    # the schema is strict: an unknown field or a bad box fails
    data["pages"][0]["blocks"][0]["bbox"] = [1, 2, 3]
    data["pages"][0]["blocks"][0]["colour"] = "red"
    assert len(list(validator.iter_errors(data))) == 2


def test_registry_renders_every_format(doc: Document) -> None:
    one = single_page(doc, 2)
    for fmt in ("alto", "page", "hocr", "md", "json", "txt"):
        data = render(one, fmt, source=doc.source)
        assert data and isinstance(data, bytes), fmt
        if fmt in ("alto", "page", "hocr"):
            etree.fromstring(data)
