"""Read an output or a ground truth into a list of articles.

Formats, told apart by name and content:

* ``*.gt.json``: the fixture ground truth (``docs/groundtruth.md``);
* ``*.json`` with ``schema_version``: layoutkit's JSON output;
* PAGE XML (root ``PcGts``): one article per ``OrderedGroupIndexed`` /
  ``UnorderedGroupIndexed`` group of the reading order when there are such
  groups, else one per text region in reading order (document order when
  there is no reading order); a region's text is its own ``TextEquiv``, else
  its lines';
* ALTO (root ``alto``): one article per ``TextBlock``; ``HypPart1`` words
  take their ``SUBS_CONTENT`` (and the ``HypPart2`` half is dropped);
* anything else: the text format (UTF-8; articles separated by blank lines,
  first line the headline, one paragraph per line).

Printed lines of one XML region are joined into one paragraph: no space
between CJK characters, one space otherwise, and a line-end hyphen
(``-``, ``⸗``, ``¬``, soft hyphen) followed by a lowercase letter is taken
as a break hyphen and removed, since layoutkit's text format has no line
breaks inside paragraphs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BadInput, InputNotFound
from ..textutil import is_cjk_char

#: line-end characters taken as a break hyphen when the next line starts lowercase
BREAK_HYPHENS = ("-", "⸗", "¬", "\u00ad")


@dataclass(frozen=True, slots=True)
class RefHyphen:
    """A hyphen printed at a line end (ground truth only): ``kind`` is
    ``break`` (to be removed) or ``compound`` (to be kept); ``word`` is the
    whole word as it should read; ``offset`` an index into the paragraph."""

    paragraph: int
    offset: int
    word: str
    kind: str


@dataclass(frozen=True, slots=True)
class RefArticle:
    """One article of an output or a ground truth.

    ``paragraphs`` are the lines after the headline (body paragraphs, then
    captions).  ``column_breaks`` are ``(paragraph index, offset)`` pairs:
    the code-point offset in ``paragraphs[index]`` where the text continues in
    the next column or page.
    """

    id: str
    headline: str
    paragraphs: tuple[str, ...]
    column_breaks: tuple[tuple[int, int], ...] = ()
    hyphens: tuple[RefHyphen, ...] = ()
    kind: str = ""

    @property
    def lines(self) -> list[str]:
        return ([self.headline] if self.headline else []) + [p for p in self.paragraphs if p]

    @property
    def text(self) -> str:
        """The article in the text format: headline, then one paragraph per line."""
        return "\n".join(self.lines)


@dataclass(frozen=True, slots=True)
class RefDoc:
    """A document read for evaluation.  ``fmt`` names the format found;
    ``language`` is what the file declares ("" when unknown);
    ``has_breaks`` is True when the file records column breaks (even none)."""

    path: str
    fmt: str
    articles: tuple[RefArticle, ...]
    language: str = ""
    has_breaks: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n\n".join(a.text for a in self.articles if a.text)


def read(path: str | Path) -> RefDoc:
    """Read ``path`` (any supported format).  Raises :class:`InputNotFound`
    for a missing or unreadable file, :class:`BadInput` for a bad one."""
    p = Path(path)
    if not p.is_file():
        raise InputNotFound(f"{p}: no such file; check the path")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputNotFound(f"{p}: cannot read ({exc.strerror})") from None
    name = p.name.lower()
    head = data[:2048].lstrip()
    if name.endswith(".json") or head.startswith(b"{"):
        return _read_json(p, data)
    if name.endswith(".xml") or head.startswith(b"<"):
        return _read_xml(p, data)
    return read_text(data, str(p))


def read_text(data: bytes | str, path: str = "<text>") -> RefDoc:
    """The text format: articles separated by one or more blank lines."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BadInput(f"{path}: not UTF-8 text (byte {exc.start}); convert it to UTF-8") from None
    else:
        text = data
    if "\x00" in text:
        raise BadInput(f"{path}: binary data, not a text file; give a .txt, .json, PAGE or ALTO file")
    articles: list[RefArticle] = []
    block: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") + [""]:
        line = raw.strip()
        if line:
            block.append(line)
        elif block:
            articles.append(RefArticle(f"a{len(articles) + 1}", block[0], tuple(block[1:])))
            block = []
    return RefDoc(path, "text", tuple(articles))


def _read_json(p: Path, data: bytes) -> RefDoc:
    try:
        d = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadInput(f"{p}: not valid JSON ({exc}); give a .gt.json, layoutkit JSON or text file") from None
    if not isinstance(d, dict):
        raise BadInput(f"{p}: JSON is not an object; give a .gt.json or layoutkit JSON file")
    if str(d.get("schema", "")).startswith("layoutkit-groundtruth"):
        return _read_groundtruth(p, d)
    if "schema_version" in d and "articles" in d:
        return _read_layoutkit_json(p, d)
    raise BadInput(f"{p}: JSON is neither layoutkit ground truth (schema) nor layoutkit output "
                   "(schema_version)")


def _read_groundtruth(p: Path, d: dict[str, Any]) -> RefDoc:
    arts: list[RefArticle] = []
    try:
        for n, a in enumerate(d.get("articles", [])):
            paras = [str(x).strip() for x in a.get("paragraphs", [])]
            caps = [str(x).strip() for x in a.get("captions", [])]
            breaks = tuple((int(b["paragraph"]), int(b["offset"])) for b in a.get("column_breaks", []))
            hyph = tuple(RefHyphen(int(h["paragraph"]), int(h["offset"]), str(h["word"]), str(h["kind"]))
                         for h in a.get("hyphens", []))
            arts.append(RefArticle(str(a.get("id", f"a{n + 1}")), str(a.get("headline", "")).strip(),
                                   tuple(paras + caps), breaks, hyph))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"{p}: malformed ground truth ({exc!r}); see docs/groundtruth.md") from None
    return RefDoc(str(p), "groundtruth-json", tuple(arts), str(d.get("language", "")), has_breaks=True)


def _read_layoutkit_json(p: Path, d: dict[str, Any]) -> RefDoc:
    from ..export.jsonfmt import from_dict

    try:
        doc = from_dict(d)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"{p}: malformed layoutkit JSON ({exc!r}); re-export it with layoutkit convert") from None
    arts = tuple(
        RefArticle(a.id, a.headline.strip(), tuple(q.text.strip() for q in a.paragraphs if q.text.strip()))
        for a in doc.articles
    )
    return RefDoc(str(p), "layoutkit-json", arts)


def join_lines(lines: list[str]) -> str:
    """Join printed lines into one paragraph (see the module docstring)."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
        elif out[-1] in BREAK_HYPHENS and len(out) > 1 and out[-2].isalpha() and line[0].islower():
            out = out[:-1] + line
        elif is_cjk_char(out[-1]) or is_cjk_char(line[0]):
            out += line
        else:
            out += " " + line
    return out


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _read_xml(p: Path, data: bytes) -> RefDoc:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"{p}: not well-formed XML ({exc}); give PAGE or ALTO XML") from None
    kind = _local(root.tag).lower()
    if kind == "pcgts":
        return _read_page(p, root)
    if kind == "alto":
        return _read_alto(p, root)
    raise BadInput(f"{p}: XML root <{_local(root.tag)}> is neither PAGE (PcGts) nor ALTO")


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c.tag) == name]


def _unicode_of(el: Any) -> str | None:
    """Text of an element's own TextEquiv (the one with the lowest index)."""
    eqs = _children(el, "TextEquiv")
    if not eqs:
        return None
    eqs.sort(key=lambda e: int(e.get("index", "0") or 0))
    for u in _children(eqs[0], "Unicode"):
        return u.text or ""
    return None


def _page_region_text(region: Any) -> str:
    lines = []
    for tl in _children(region, "TextLine"):
        t = _unicode_of(tl)
        if t is None:
            words = [_unicode_of(w) or "" for w in _children(tl, "Word")]
            t = " ".join(w for w in words if w)
        lines.append(t)
    if any(x.strip() for x in lines):
        return join_lines(lines)
    own = _unicode_of(region)
    return join_lines(own.split("\n")) if own else ""


def _read_page(p: Path, root: Any) -> RefDoc:
    regions: dict[str, Any] = {}
    order: list[str] = []
    for el in root.iter():
        if _local(el.tag) == "TextRegion" and el.get("id"):
            regions[el.get("id")] = el
            order.append(el.get("id"))
    groups: list[list[str]] = []
    notes: list[str] = []
    ro = next((el for el in root.iter() if _local(el.tag) == "ReadingOrder"), None)
    if ro is not None:
        top = next((c for c in ro if _local(c.tag) in ("OrderedGroup", "UnorderedGroup")), None)
        if top is not None:
            entries = sorted((c for c in top if c.get("index") is not None or _local(c.tag).startswith("Region")),
                             key=lambda c: int(c.get("index", "0")))
            if any(_local(c.tag) in ("OrderedGroupIndexed", "UnorderedGroupIndexed") for c in entries):
                for c in entries:
                    groups.append(_group_refs(c))
                notes.append("articles = reading-order groups")
            else:
                groups = [[c.get("regionRef")] for c in entries if c.get("regionRef")]
                notes.append("articles = text regions in reading order")
    if not groups:
        groups = [[rid] for rid in order]
        notes.append("articles = text regions in document order (no reading order)")
    arts: list[RefArticle] = []
    for refs in groups:
        texts = [(regions[r].get("type", ""), _page_region_text(regions[r])) for r in refs if r in regions]
        texts = [(k, t) for k, t in texts if t.strip()]
        if not texts:
            continue
        ident = refs[0] if len(refs) == 1 else f"g{len(arts) + 1}"
        if len(texts) > 1 and texts[0][0] == "heading":
            arts.append(RefArticle(ident, texts[0][1], tuple(t for _, t in texts[1:]), kind="group"))
        elif len(texts) == 1:
            arts.append(RefArticle(ident, texts[0][1], (), kind=texts[0][0]))
        else:
            arts.append(RefArticle(ident, "", tuple(t for _, t in texts), kind="group"))
    return RefDoc(str(p), "page-xml", tuple(arts), notes=tuple(notes))


def _group_refs(group: Any) -> list[str]:
    out: list[str] = []
    for c in sorted(group, key=lambda c: int(c.get("index", "0"))):
        name = _local(c.tag)
        if c.get("regionRef") and name.startswith("RegionRef"):
            out.append(c.get("regionRef"))
        elif name.endswith("GroupIndexed") or name.endswith("Group"):
            if c.get("regionRef"):
                out.append(c.get("regionRef"))
            out.extend(_group_refs(c))
    return out


def _read_alto(p: Path, root: Any) -> RefDoc:
    arts: list[RefArticle] = []
    for block in (el for el in root.iter() if _local(el.tag) == "TextBlock"):
        lines = []
        pending_part2 = False
        for tl in (c for c in block.iter() if _local(c.tag) == "TextLine"):
            parts: list[str] = []
            space = False
            for el in tl:
                name = _local(el.tag)
                if name == "String":
                    subs_type = el.get("SUBS_TYPE", "")
                    content = el.get("CONTENT", "")
                    if subs_type == "HypPart2" and pending_part2:
                        pending_part2 = False
                        continue
                    if subs_type == "HypPart1" and el.get("SUBS_CONTENT"):
                        content = el.get("SUBS_CONTENT", "")
                        pending_part2 = True
                    if parts and (space or not (is_cjk_char(parts[-1][-1:]) and is_cjk_char(content[:1]))):
                        parts.append(" ")
                    parts.append(content)
                    space = False
                elif name == "SP":
                    space = True
                elif name == "HYP" and not pending_part2:
                    parts.append(el.get("CONTENT", "-") or "-")
            lines.append("".join(parts).strip())
        text = join_lines(lines)
        if text:
            arts.append(RefArticle(block.get("ID", f"b{len(arts) + 1}"), text, (), kind="TextBlock"))
    return RefDoc(str(p), "alto", tuple(arts), notes=("articles = ALTO text blocks",))
