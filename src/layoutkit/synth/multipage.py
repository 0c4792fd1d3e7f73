"""Two-page documents where one article jumps from page 1 to page 2.

Page 1 ends the article with a jump line ("下转第2版" / "(Continued on Page 2)");
page 2 resumes it under "上接第1版" / "Continued from Page 1".  The ground
truth holds the article once, with ``pages: [1, 2]``, both jump lines in
``jumps`` and a ``column_breaks`` entry of kind ``page`` where page 2 starts.
Written as a multi-page TIFF and a born-digital PDF with the same stem.
"""

from __future__ import annotations

import io
import random
from dataclasses import replace
from pathlib import Path

from PIL import Image

from .generator import _atomic_write, build_gt, generate_page, write_gt
from .layout import PageSpec
from .pdf import write_pdf
from .texts import ArticleText, compose_article

JUMPS = {"zh": ("下转第2版", "上接第1版"), "en": ("(Continued on Page 2)", "Continued from Page 1")}


def _split_point(text: str, lang: str) -> int:
    """A cut near the middle of ``text``: at a word start (English) or before a
    character that may start a line (Chinese)."""
    mid = len(text) // 2
    for d in range(len(text)):
        for i in (mid + d, mid - d):
            if 0 < i < len(text):
                if lang == "en" and text[i - 1] == " ":
                    return i
                if lang == "zh" and text[i] not in "。，、；：！？）”’" and text[i - 1] not in "（“‘":
                    return i
    return mid


def jump_document(lang: str, columns: int, seed: int) -> tuple[list, dict, str]:
    """Build the two pages: returns ([RenderedPage, RenderedPage], gt, extracted)."""
    rng = random.Random(seed)
    half = (columns // 2, columns - columns // 2)
    topic, long = compose_article(rng, lang, min_paras=4, max_paras=6, photo_prob=0.0, deck_prob=0.0)
    used = (topic,)
    fill = []
    for _ in range(4):
        t, a = compose_article(rng, lang, min_paras=1, max_paras=3, photo_prob=0.3, exclude_topics=used)
        used += (t,)
        fill.append(a)
    paras = list(long.paragraphs)
    k = len(paras) // 2
    m = _split_point(paras[k], lang)
    head = paras[k][:m].rstrip(" ")
    tail = paras[k][m:]
    jump_out, jump_in = JUMPS[lang]
    part1 = replace(long, paragraphs=tuple(paras[:k] + [head]), jump_after=jump_out)
    part2 = ArticleText("", tuple([tail] + paras[k + 1:]), "", False, "", lang, False, True, jump_in)
    spec1 = PageSpec(language=lang, columns=columns, articles=(fill[0], fill[1], part1),
                     bands=(half, (columns,)), page_number=1)
    spec2 = PageSpec(language=lang, columns=columns, articles=(part2, fill[2], fill[3]),
                     bands=((columns,), half), page_number=2)
    p1 = generate_page(spec1, seed, "clean")
    p2 = generate_page(spec2, seed + 1, "clean")
    a1 = p1.gt["articles"]
    a2 = p2.gt["articles"]
    x1, x2 = a1[-1], a2[0]
    merged = {
        "id": "x1", "headline": x1["headline"], "paragraphs": paras,
        "captions": x1["captions"] + x2["captions"], "pages": [1, 2],
        "column_breaks": x1["column_breaks"] + [{"paragraph": k, "offset": m, "kind": "page"}] + [
            {**b, "paragraph": b["paragraph"] + k,
             "offset": b["offset"] + (m if b["paragraph"] == 0 else 0)} for b in x2["column_breaks"]],
        "hyphens": x1["hyphens"] + [
            {**h, "paragraph": h["paragraph"] + k, "offset": h["offset"] + (m if h["paragraph"] == 0 else 0)}
            for h in x2["hyphens"]],
        "jumps": x1["jumps"] + x2["jumps"],
    }
    pages = []
    for number, (p, xid) in enumerate(((p1, a1[-1]["id"]), (p2, a2[0]["id"])), start=1):
        gp = dict(p.gt["pages"][0])
        gp["number"] = number
        for r in gp["regions"]:
            if r["article"]:
                r["article"] = "x1" if r["article"] == xid else f"p{number}-{r['article']}"
        pages.append(gp)
    others1 = [{**a, "id": f"p1-{a['id']}", "pages": [1]} for a in a1[:-1]]
    others2 = [{**a, "id": f"p2-{a['id']}", "pages": [2]} for a in a2[1:]]
    gt = build_gt("", lang, pages, others1 + [merged] + others2)
    return [p1, p2], gt, p1.extracted + p2.extracted


def make_jump_documents(out: Path, seed: int, langs: list[str]) -> list[Path]:
    """Write ``<lang>-jump-s<seed>.tif`` (2 pages), ``.pdf`` (born-digital) and GT."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, lang in enumerate(langs):
        stem = f"{lang}-jump-s{seed + i}"
        pages, gt, extracted = jump_document(lang, 4 + i % 2, seed + i)
        gt["source"] = f"{stem}.tif"
        gt["also"] = [f"{stem}.pdf"]
        for gp in gt["pages"]:
            gp["pdf_kind"] = "born-digital"
        ims = [Image.fromarray(p.image) for p in pages]
        buf = io.BytesIO()
        ims[0].save(buf, "TIFF", save_all=True, append_images=ims[1:], compression="tiff_deflate",
                    dpi=(pages[0].dpi, pages[0].dpi))
        _atomic_write(out / f"{stem}.tif", buf.getvalue())
        write_pdf([("born-digital", p.plan, None, p.dpi) for p in pages], out / f"{stem}.pdf")
        write_gt(gt, out, stem, extracted)
        written += [out / f"{stem}.tif", out / f"{stem}.pdf", out / f"{stem}.gt.json", out / f"{stem}.gt.txt"]
    return written
