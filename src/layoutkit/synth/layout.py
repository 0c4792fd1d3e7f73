"""Page composition: articles in bands of columns, a running header, rules,
photos with captions.  Produces a :class:`PagePlan` (every printed line with
its runs, positions and font; every photo and rule) and the ground truth.

Coordinates are page pixels at ``PagePlan.dpi``, origin top-left.  Columns
are numbered from the left; an article owns ``span`` adjacent columns under
its headline; its body flows top to bottom in each column, then on to the
next column to the right.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from .fonts import BASELINE, FontBook
from .texts import ArticleText, compose_article
from .typeset import SetLine, _hyphenator, set_en, set_headline, set_zh

#: default page width (pixels at 300 dpi) by number of columns
WIDTHS = {3: 1800, 4: 2100, 5: 2400, 6: 2600}
ZH_SECTIONS = ("要闻", "综合新闻", "经济", "城市", "文化", "体育", "社会", "科技")
EN_SECTIONS = ("NATION", "METRO", "BUSINESS", "SPORTS", "CULTURE", "SCIENCE", "WORLD", "LOCAL")
EN_PAPERS = ("The Daily Ledger", "The Morning Courier", "Evening Standard-Herald", "The Valley Times")
WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class PlanText:
    """One printed line.  ``runs`` are (gt_text, printed_text, x) with ``x`` the
    absolute left edge in page pixels; ``baseline`` the absolute baseline y;
    ``bbox`` (x0, top, x1, bottom) the em-box extent of the line."""

    kind: str
    article: str
    font: str
    size: int
    baseline: float
    bbox: tuple[int, int, int, int]
    runs: tuple[tuple[str, str, float], ...]
    text: str


@dataclass(frozen=True, slots=True)
class PlanRect:
    """A photo (textured grey) or a rule (solid black), page pixels."""

    kind: str
    bbox: tuple[int, int, int, int]
    article: str = ""
    seed: int = 0


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Everything drawn on one page, enough to render it as an image or a PDF."""

    number: int
    width: int
    height: int
    dpi: int
    language: str
    texts: tuple[PlanText, ...]
    rects: tuple[PlanRect, ...]


@dataclass(frozen=True, slots=True)
class PageSpec:
    """What to generate.  ``width`` None picks a width from the column count;
    ``articles`` None samples articles from the built-in texts; ``bands``
    (optional, with ``articles``) gives the column spans of the articles band by
    band, e.g. ``((6,), (2, 4))``.  ``column_rules``/``band_rules`` None decide
    at random.  ``body_size`` is the body em in pixels (at ``dpi``)."""

    language: str = "zh"
    columns: int = 4
    width: int | None = None
    target_height: int | None = None
    dpi: int = 300
    body_size: int | None = None
    column_rules: bool | None = None
    band_rules: bool | None = None
    articles: tuple[ArticleText, ...] | None = None
    bands: tuple[tuple[int, ...], ...] | None = None
    page_number: int | None = None
    photos: bool = True


@dataclass
class _Page:
    """Mutable accumulator used while composing one page (local to one call)."""

    texts: list[PlanText] = field(default_factory=list)
    rects: list[PlanRect] = field(default_factory=list)
    regions: list[dict] = field(default_factory=list)
    separators: list[list[int]] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    extracted: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Geom:
    lang: str
    col_w: int
    gutter: int
    col_x: tuple[int, ...]
    body_size: int
    line_h: int
    body_font: str
    column_rules: bool


def _line_text(paragraph: str, ln: SetLine) -> str:
    return paragraph[ln.start:ln.end]


def _article_text_pieces(paragraphs: list[str], lines: list[SetLine], lang: str) -> list[str]:
    """Naive-extraction text of consecutive lines: a piece per paragraph fragment;
    lines inside a piece are joined (CJK: nothing; English: a space, or
    nothing after a line-end hyphen, the break hyphen kept as printed)."""
    pieces: list[str] = []
    cur = ""
    cur_para = -1
    prev: SetLine | None = None
    for ln in lines:
        t = _line_text(paragraphs[ln.para], ln)
        if ln.para != cur_para:
            if cur:
                pieces.append(cur)
            cur, cur_para = t, ln.para
        else:
            if lang == "zh":
                cur += t
            elif prev is not None and prev.hyphen == "break":
                cur += "-" + t
            elif prev is not None and prev.hyphen == "compound":
                cur += t
            else:
                cur += " " + t
        prev = ln
    if cur:
        if prev is not None and prev.hyphen == "break":
            cur += "-"
        pieces.append(cur)
    return pieces


def _set_paragraphs(fb: FontBook, geom: _Geom, paras: list[str], byline: bool,
                    width: int, continues: bool = False) -> list[tuple[str, SetLine]]:
    """All body lines of an article as (kind, line); ``continues``: the first
    paragraph continues from another page and gets no indent."""
    out: list[tuple[str, SetLine]] = []
    dic = _hyphenator() if geom.lang != "zh" else None
    for i, p in enumerate(paras):
        if geom.lang == "zh":
            lines = set_zh(fb, geom.body_font, geom.body_size, i, p, width,
                           indent_em=0.0 if (continues and i == 0) else 2.0)
            out.extend(("body", ln) for ln in lines)
        elif i == 0 and byline:
            lines = set_en(fb, "en-sans-bold", int(geom.body_size * 0.9), i, p, width, indent_em=0,
                           hyphenate=False, dic=dic)
            out.extend(("byline", ln) for ln in lines)
        else:
            lines = set_en(fb, geom.body_font, geom.body_size, i, p, width, dic=dic,
                           indent_em=0.0 if (continues and i == 0) else 1.0)
            out.extend(("body", ln) for ln in lines)
    return out


def _emit_line(fb: FontBook, page: _Page, kind: str, art: str, font: str, size: int, x0: float,
               top: int, runs: list[tuple[str, str, float]], gt_text: str) -> PlanText:
    lang = "zh" if font.startswith("zh") else "en"
    base = top + BASELINE[lang] * size
    last = runs[-1]
    x1 = last[2] + fb.width(font, size, last[1])
    bbox = (int(round(runs[0][2])), int(top), int(round(x1)), int(top + size))
    t = PlanText(kind, art, font, size, base, bbox, tuple(runs), gt_text)
    page.texts.append(t)
    return t


def _runs_for(fb: FontBook, font: str, size: int, text: str, x: float) -> list[tuple[str, str, float]]:
    """Runs of a plain (unjustified) line: per character for CJK, one run for Latin."""
    if not font.startswith("zh"):
        return [(text, text, x)]
    runs = []
    for ch in text:
        runs.append((ch, ch, x))
        x += fb.width(font, size, ch)
    return runs


def _union(boxes: list[tuple[int, int, int, int]]) -> list[int]:
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _headline_lines(fb: FontBook, geom: _Geom, text: str, width: int, size: int,
                    font: str) -> tuple[int, list[str]]:
    return set_headline(fb, font, size, text, width, geom.lang, max_lines=2,
                        min_size=int(geom.body_size * 1.1))


def _place_headline(fb: FontBook, page: _Page, geom: _Geom, art_id: str, lines: list[str],
                    font: str, size: int, x0: int, width: int, top: int, center: bool,
                    kind: str = "headline") -> tuple[int, list[int]]:
    """Draw headline lines; returns (next top, region bbox)."""
    boxes = []
    y = top
    for ln in lines:
        w = fb.width(font, size, ln)
        x = x0 + (width - w) / 2 if center else x0
        if geom.lang == "zh":
            runs, cx = [], x
            for ch in ln:
                runs.append((ch, ch, cx))
                cx += fb.width(font, size, ch)
        else:
            runs = [(ln, ln, x)]
        t = _emit_line(fb, page, kind, art_id, font, size, x, y, runs, ln)
        boxes.append(t.bbox)
        y += int(size * 1.22)
    return y, _union(boxes)


def layout_article(fb: FontBook, page: _Page, geom: _Geom, rng: random.Random, art_id: str,
                   art: ArticleText, col0: int, span: int, top: int, photos: bool = True,
                   max_bottom: int | None = None) -> int:
    """Lay out one article in columns ``col0 .. col0+span-1`` from ``top``;
    appends plan items, regions, GT and extracted blocks to ``page`` and returns
    the bottom y of the article."""
    x0 = geom.col_x[col0]
    width = geom.col_x[col0 + span - 1] + geom.col_w - x0
    lang = geom.lang
    gt_head: list[str] = []
    extracted: list[str] = []
    y = top
    # --- headline (+ deck) ---------------------------------------------------
    base = {1: 1.55, 2: 1.9, 3: 2.2}.get(span, 2.45) * geom.body_size
    if lang == "en":
        base *= 0.95
    hfont = rng.choice(("zh-sans-bold", "zh-serif-bold") if lang == "zh" else
                       ("en-serif-bold", "en-sans-bold", "en-serif-bold"))
    center = rng.random() < (0.7 if lang == "zh" else 0.35)
    elements: list[tuple[str, str, int, str]] = []  # (text, font, size, kind)
    if art.headline:
        deck_font = "zh-sans" if lang == "zh" else "en-serif"
        deck_size = max(int(geom.body_size * 1.05), int(base * 0.55))
        deck_above = lang == "zh" and rng.random() < 0.5
        if art.deck and deck_above:
            elements.append((art.deck, deck_font, deck_size, "headline"))
        elements.append((art.headline, hfont, int(base), "headline"))
        if art.deck and not deck_above:
            elements.append((art.deck, deck_font, deck_size, "headline"))
    for text, font, size, kind in elements:
        size, lines = _headline_lines(fb, geom, text, width, size, font)
        y, box = _place_headline(fb, page, geom, art_id, lines, font, size, x0, width, y, center, kind)
        page.regions.append({"kind": "headline", "bbox": box, "article": art_id})
        gt_head.append(text)
        extracted.append("\n".join(lines))
        y += int(geom.body_size * 0.25)
    if elements:
        y += int(geom.body_size * 0.5)
    body_top = y
    # --- photo and caption ------------------------------------------------------
    col_start = [0] * span  # per column: offset of the first body line below body_top
    captions: list[str] = []
    if art.has_photo and photos:
        pspan = span if span <= 2 or not art.paragraphs else rng.choice((1, 2, span))
        if not art.paragraphs:
            pspan = span
        pw = geom.col_x[col0 + pspan - 1] + geom.col_w - x0
        ph = int(pw * rng.uniform(0.5, 0.72)) if pspan > 1 else int(pw * rng.uniform(0.65, 0.9))
        pbox = (x0, y, x0 + pw, y + ph)
        page.rects.append(PlanRect("photo", pbox, art_id, rng.randrange(1 << 30)))
        page.regions.append({"kind": "photo", "bbox": list(pbox), "article": art_id})
        yy = y + ph + int(geom.body_size * 0.35)
        if art.caption:
            cfont = "zh-sans" if lang == "zh" else "en-sans"
            csize = max(24, int(geom.body_size * 0.82))
            if lang == "zh":
                clines = set_zh(fb, cfont, csize, 0, art.caption, pw, indent_em=0)
            else:
                clines = set_en(fb, cfont, csize, 0, art.caption, pw, indent_em=0, hyphenate=False)
            boxes = []
            for ln in clines:
                runs = [(r.text, r.display, x0 + r.x) for r in ln.runs]
                t = _emit_line(fb, page, "caption", art_id, cfont, csize, x0, yy, runs,
                               art.caption[ln.start:ln.end])
                boxes.append(t.bbox)
                yy += int(csize * 1.35)
            page.regions.append({"kind": "caption", "bbox": _union(boxes), "article": art_id})
            captions.append(art.caption)
        yy += int(geom.body_size * 0.6)
        off = yy - body_top
        off = -(-off // geom.line_h) * geom.line_h  # snap to the body line grid
        for c in range(pspan):
            col_start[c] = off
        y = body_top + off
    # --- body -------------------------------------------------------------------
    paras = list(art.paragraphs)
    jumps: list[str] = []
    if art.jump_before:
        jfont = "zh-sans" if lang == "zh" else "en-sans"
        jsize = int(geom.body_size * 0.85)
        t = _emit_line(fb, page, "jump", art_id, jfont, jsize, x0, y, _runs_for(fb, jfont, jsize, art.jump_before, x0),
                       art.jump_before)
        page.regions.append({"kind": "jump", "bbox": list(t.bbox), "article": art_id})
        jumps.append(art.jump_before)
        extracted.append(art.jump_before)
        body_top += geom.line_h
        y = body_top
    lines = _set_paragraphs(fb, geom, paras, art.byline, geom.col_w, art.continues)
    lh = geom.line_h
    n = len(lines)
    column_breaks: list[dict] = []
    hyphens: list[dict] = []
    bottom = max(y, body_top)
    if n:
        def capacity(h: int) -> list[int]:
            return [max(0, (h - s) // lh) for s in col_start]

        h = lh
        while sum(capacity(h)) < n:
            h += lh
        # sometimes make a paragraph end exactly at the end of the first column
        if span > 1 and rng.random() < 0.3:
            for extra in range(0, 4):
                cap = capacity(h + extra * lh)[0]
                if 0 < cap < n and lines[cap - 1][1].last:
                    h += extra * lh
                    break
        caps = capacity(h)
        chunks: list[list[tuple[str, SetLine]]] = []
        i = 0
        for c in range(span):
            take = caps[c] if c < span - 1 else n - i
            chunks.append(lines[i:i + take])
            i += take
        for c, chunk in enumerate(chunks):
            cx = geom.col_x[col0 + c]
            yy = body_top + col_start[c]
            boxes_by_kind: dict[str, list] = {}
            for kind, ln in chunk:
                font = "en-sans-bold" if kind == "byline" else geom.body_font
                size = int(geom.body_size * 0.9) if kind == "byline" else geom.body_size
                runs = [(r.text, r.display, cx + r.x) for r in ln.runs]
                t = _emit_line(fb, page, kind, art_id, font, size, cx, yy,
                               runs, _line_text(paras[ln.para], ln))
                boxes_by_kind.setdefault(kind, []).append(t.bbox)
                yy += lh
                if ln.hyphen:
                    hyphens.append({"paragraph": ln.para, "offset": ln.end, "word": ln.word,
                                    "kind": ln.hyphen})
            bottom = max(bottom, yy)
            for kind in ("byline", "body"):
                if kind in boxes_by_kind:
                    page.regions.append({"kind": kind, "bbox": _union(boxes_by_kind[kind]),
                                         "article": art_id})
            if chunk:
                extracted.extend(_article_text_pieces(paras, [ln for _, ln in chunk], lang))
            if c + 1 < len(chunks) and chunk and chunks[c + 1]:
                last = chunk[-1][1]
                nxt = chunks[c + 1][0][1]
                if not last.last:
                    column_breaks.append({"paragraph": last.para, "offset": nxt.start, "kind": "column"})
        if art.jump_after:
            lastc = max(c for c, ch in enumerate(chunks) if ch)
            cx = geom.col_x[col0 + lastc]
            yy = body_top + col_start[lastc] + len(chunks[lastc]) * lh
            jfont = "zh-sans" if lang == "zh" else "en-sans"
            jsize = int(geom.body_size * 0.85)
            jx = cx + geom.col_w - fb.width(jfont, jsize, art.jump_after)
            t = _emit_line(fb, page, "jump", art_id, jfont, jsize, jx, yy,
                           _runs_for(fb, jfont, jsize, art.jump_after, jx), art.jump_after)
            page.regions.append({"kind": "jump", "bbox": list(t.bbox), "article": art_id})
            jumps.append(art.jump_after)
            bottom = max(bottom, yy + lh)
        # gutters between this article's columns
        for c in range(span - 1):
            gx0 = geom.col_x[col0 + c] + geom.col_w
            gx1 = geom.col_x[col0 + c + 1]
            page.separators.append([gx0, body_top, gx1, bottom])
            if geom.column_rules:
                mx = (gx0 + gx1) // 2
                page.rects.append(PlanRect("rule", (mx - 1, body_top, mx + 1, bottom), art_id))
    extracted.extend(captions)
    if art.jump_after:
        extracted.append(art.jump_after)
    headline = " ".join(gt_head)
    page.articles.append({
        "id": art_id, "headline": headline, "paragraphs": paras, "captions": captions,
        "pages": [1], "column_breaks": column_breaks, "hyphens": hyphens, "jumps": jumps,
    })
    page.extracted.append(extracted)
    return bottom


def _header(fb: FontBook, page: _Page, lang: str, rng: random.Random, width: int, margin: int,
            number: int) -> int:
    size = 30
    y = margin
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    wd = rng.randrange(7)
    if lang == "zh":
        font = "zh-sans"
        left = rng.choice(ZH_SECTIONS)
        mid = f"{year}年{month}月{day}日 星期{WEEKDAYS_ZH[wd]}"
        right = f"第{number}版"
    else:
        font = "en-serif"
        left = f"{rng.choice(EN_SECTIONS)}"
        mid = f"{rng.choice(EN_PAPERS)} \u2022 {WEEKDAYS_EN[wd]}, {MONTHS_EN[month - 1]} {day}, {year}"
        right = f"Page {number}"
    boxes = []
    for text, align in ((left, "l"), (mid, "c"), (right, "r")):
        w = fb.width(font, size, text)
        x = margin if align == "l" else (width - w) / 2 if align == "c" else width - margin - w
        if lang == "zh":
            runs, cx = [], x
            for ch in text:
                runs.append((ch, ch, cx))
                cx += fb.width(font, size, ch)
        else:
            runs = [(text, text, x)]
        t = _emit_line(fb, page, "header", "", font, size, x, y, runs, text)
        boxes.append(t.bbox)
    page.regions.append({"kind": "header", "bbox": _union(boxes), "article": ""})
    y += int(size * 1.45)
    rule = (margin, y, width - margin, y + 4)
    page.rects.append(PlanRect("rule", rule))
    page.regions.append({"kind": "rule", "bbox": list(rule), "article": ""})
    return y + 4 + 36


def _trim(a: ArticleText, span: int, band_lines: int, cpl: float) -> ArticleText:
    """Drop trailing paragraphs while the article would be much taller than the band."""
    paras = list(a.paragraphs)
    keep = 2 if a.byline else 1
    photo = (band_lines * 0.35 if span == 1 else band_lines * 0.2) if a.has_photo else 0.0
    while len(paras) > keep:
        est = sum(-(-(len(p) + 2) // max(1, int(cpl))) for p in paras) / span + photo
        if est <= band_lines * 1.2:
            break
        paras.pop()
    return replace(a, paragraphs=tuple(paras))


def _random_spans(rng: random.Random, n: int) -> tuple[int, ...]:
    k = rng.choice([1, 2, 2, 3]) if n >= 3 else rng.choice([1, 2])
    k = min(k, n)
    cuts = sorted(rng.sample(range(1, n), k - 1)) if k > 1 else []
    edges = [0, *cuts, n]
    return tuple(edges[i + 1] - edges[i] for i in range(k))


def compose_page(spec: PageSpec, seed: int, number: int | None = None,
                 fb: FontBook | None = None) -> tuple[PagePlan, dict, str]:
    """Compose one page.  Returns (plan, ground-truth page dict with an extra
    ``"articles"`` key holding the article GT, extracted text)."""
    rng = random.Random(seed)
    fb = fb or FontBook()
    lang = spec.language
    n = spec.columns
    width = spec.width or WIDTHS.get(n, 2400)
    margin = int(width * 0.045)
    gutter = 44 if lang == "zh" else 40
    body_size = spec.body_size or (rng.choice((36, 38, 40)) if lang == "zh" else rng.choice((32, 34, 36)))
    col_w = (width - 2 * margin - (n - 1) * gutter) // n
    col_x = tuple(margin + i * (col_w + gutter) for i in range(n))
    column_rules = spec.column_rules if spec.column_rules is not None else rng.random() < 0.5
    band_rules = spec.band_rules if spec.band_rules is not None else rng.random() < 0.6
    line_h = int(body_size * (1.45 if lang == "zh" else 1.22))
    body_font = "zh-serif" if lang == "zh" else "en-serif"
    geom = _Geom(lang, col_w, gutter, col_x, body_size, line_h, body_font, column_rules)
    number = number or spec.page_number or rng.randint(1, 12)
    page = _Page()
    y = _header(fb, page, lang, rng, width, margin, number)
    target = spec.target_height or int(width * 1.35)
    used_topics: list[str] = []
    art_no = 0
    chars_per_line = col_w / body_size * (1.0 if lang == "zh" else 1.9)

    given = list(spec.articles) if spec.articles is not None else None
    band_spans = list(spec.bands) if spec.bands else None
    band_idx = 0
    while True:
        if given is not None:
            if not given:
                break
            spans = band_spans[band_idx] if band_spans and band_idx < len(band_spans) else (n,)
            arts = [given.pop(0) for _ in spans if given]
            spans = spans[:len(arts)]
        else:
            if y > target - 8 * line_h and art_no:
                break
            spans = _random_spans(rng, n)
            band_lines = rng.randint(12, 26)
            band_lines = min(band_lines, max(8, (target - y) // line_h - 4))
            arts = []
            for s in spans:
                topic, a = compose_article(
                    rng, lang, exclude_topics=tuple(used_topics),
                    char_budget=int(s * band_lines * chars_per_line * 0.85),
                    min_paras=1, photo_prob=0.4 if spec.photos else 0.0)
                used_topics.append(topic)
                arts.append(_trim(a, s, band_lines, chars_per_line))
        band_idx += 1
        band_top = y
        bottoms = []
        c = 0
        for s, a in zip(spans, arts):
            art_no += 1
            bottoms.append(layout_article(fb, page, geom, rng, f"a{art_no}", a, c, s, band_top,
                                          photos=spec.photos))
            c += s
        band_bottom = max(bottoms)
        # gutters between articles of the band (full band height)
        c = 0
        for s in spans[:-1]:
            c += s
            gx0 = col_x[c - 1] + col_w
            gx1 = col_x[c]
            page.separators.append([gx0, band_top, gx1, band_bottom])
            if column_rules:
                mx = (gx0 + gx1) // 2
                page.rects.append(PlanRect("rule", (mx - 1, band_top, mx + 1, band_bottom)))
        gap = int(body_size * 1.4)
        if band_rules:
            ry = band_bottom + gap // 2
            rule = (margin, ry - 1, width - margin, ry + 2)
            page.rects.append(PlanRect("rule", rule))
            page.regions.append({"kind": "rule", "bbox": list(rule), "article": ""})
        y = band_bottom + gap
    height = y + margin
    # drop a trailing band rule that would sit at the page foot
    plan = PagePlan(number, width, height, spec.dpi, lang, tuple(page.texts), tuple(page.rects))
    for r in page.rects:
        if r.kind == "rule" and r.article:
            page.regions.append({"kind": "rule", "bbox": list(r.bbox), "article": r.article})
    gt_page = {
        "number": 1, "width": width, "height": height, "dpi": spec.dpi, "columns": n,
        "degradation": "clean", "skew": 0.0, "column_rules": column_rules,
        "column_separators": page.separators, "regions": page.regions,
        "articles": page.articles,
    }
    parts = ["\n\n"]
    for i, art_blocks in enumerate(page.extracted):
        if i:
            parts.append("\n\n\n\n" if rng.random() < 0.3 else "\n\n")
        parts.append("\n\n".join(art_blocks))
    extracted = "".join(parts) + "\n"
    return plan, gt_page, extracted
