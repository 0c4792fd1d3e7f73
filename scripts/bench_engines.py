#!/usr/bin/env python3
"""Compare OCR engines side by side on the same inputs; write bench/engines.json.

Sections (``--sections``, default all):

* ``crops``   block crops rendered from known text (Chinese horizontal, Chinese
  vertical, English) with every degradation kind of ``layoutkit.synth.degrade``;
  each engine reads the same crop.  CER = Levenshtein distance / GT length on
  NFC text (CJK: whitespace removed; Latin: whitespace collapsed, lines joined
  by a space); recall = bag-of-characters recall (multiset, whitespace removed).
* ``jingbao`` the two real Jing bao spreads (../shared/real/ecpo-jingbao-1939):
  bag-of-characters recall and precision against the full-text GT, recognition
  alone: (a) ``page`` each engine on the whole spread, (b) ``regions`` each engine
  on every GT region polygon's bounding box (the same crops for both engines).
* ``bnl``     the six real BnL text blocks: CER against the ALTO line GT.
* ``pages``   whole pages through ``layoutkit convert --engine X`` (fresh process
  each, wall and CPU time, peak memory): the fixture pages (``--fixtures``
  folder of *.gt.txt + image; CER and bag recall) and the two Jing bao spreads
  (bag recall), engines alternating page by page.

Every engine run of the ``jingbao`` and ``pages`` sections happens in a fresh
child process so that its peak memory (ru_maxrss, including model load) and
time are its own.  Usage::

    PYTHONPATH=src .venv/bin/python scripts/bench_engines.py [--engines tesseract,rapidocr,auto]
        [--sections crops,jingbao,bnl,pages] [--samples 2] [--out bench/engines.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
FONTS = {
    "zh-serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "zh-sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "zh-wqy": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "en-serif": ("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 0),
    "en-sans": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
}
LANG = {"zh": "chi_sim", "zh-vert": "chi_sim", "en": "eng"}


# ----------------------------------------------------------------- metrics
def norm(text: str, cjk: bool) -> str:
    t = unicodedata.normalize("NFC", text)
    if cjk:
        return re.sub(r"\s+", "", t)
    return " ".join(t.split())


def cer(ocr: str, gt: str) -> float:
    from rapidfuzz.distance import Levenshtein

    if not gt:
        return 0.0 if not ocr else 1.0
    return Levenshtein.distance(ocr, gt) / len(gt)


def bag_recall(ocr: str, gt: str) -> tuple[float, float]:
    """(recall, precision) of characters as multisets, whitespace ignored."""
    o = Counter(c for c in ocr if not c.isspace())
    g = Counter(c for c in gt if not c.isspace())
    hit = sum(min(n, o[c]) for c, n in g.items())
    return hit / max(1, sum(g.values())), hit / max(1, sum(o.values()))


# ----------------------------------------------------------------- crops
def _wrap(font: Any, text: str, width: int, cjk: bool) -> list[str]:
    lines, cur = [], ""
    units = list(text) if cjk else text.split(" ")
    for u in units:
        cand = cur + u if cjk else (cur + " " + u if cur else u)
        if font.getlength(cand) > width and cur:
            lines.append(cur)
            cur = u
        else:
            cur = cand
    if cur:
        lines.append(cur)
    return lines


def render_crop(text: str, script: str, font_key: str, size: int, n_lines: int) -> tuple[np.ndarray, list[str]]:
    """A block of ``n_lines`` lines of ``text`` (grey uint8, 255 = paper) and
    its GT lines.  ``zh-vert``: columns top to bottom, right to left."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = FONTS[font_key]
    font = ImageFont.truetype(path, size, index=index)
    margin, lead = size, int(size * 1.45)
    if script == "zh-vert":
        per_col = 14
        chars = [c for c in text if not c.isspace()][: per_col * n_lines]
        cols = ["".join(chars[i : i + per_col]) for i in range(0, len(chars), per_col)]
        w = 2 * margin + lead * len(cols)
        h = 2 * margin + int(size * 1.05) * per_col
        im = Image.new("L", (w, h), 255)
        d = ImageDraw.Draw(im)
        for ci, col in enumerate(cols):
            x = w - margin - lead * (ci + 1) + (lead - size) // 2
            for k, ch in enumerate(col):
                d.text((x, margin + int(size * 1.05) * k), ch, font=font, fill=0)
        return np.array(im), cols
    cjk = script == "zh"
    width = size * 16 if cjk else size * 24
    lines = _wrap(font, text, width, cjk)[:n_lines]
    im = Image.new("L", (width + 2 * margin, 2 * margin + lead * len(lines)), 255)
    d = ImageDraw.Draw(im)
    for i, ln in enumerate(lines):
        d.text((margin, margin + i * lead), ln, font=font, fill=0)
    return np.array(im), lines


def crop_set(samples: int) -> list[dict[str, Any]]:
    import random

    from layoutkit.synth.degrade import KINDS, degrade
    from layoutkit.synth.texts import compose_article

    out = []
    for script in ("zh", "zh-vert", "en"):
        fonts = [k for k in FONTS if k.startswith("en" if script == "en" else "zh")]
        for kind in KINDS:
            for s in range(samples):
                rng = random.Random(f"{script}-{kind}-{s}")
                _, art = compose_article(rng, "en" if script == "en" else "zh")
                text = " ".join(art.paragraphs)
                font = fonts[s % len(fonts)]
                size = 34 if script != "en" else 30
                img, gt = render_crop(text, script, font, size, 6)
                deg = degrade(img, 300, kind, seed=s + 7)
                out.append({"script": script, "kind": kind, "sample": s, "font": font, "image": deg.image,
                            "gt": "\n".join(gt)})
    return out


def run_crops(engines: list[str], samples: int) -> dict[str, Any]:
    from layoutkit.engines import get_engine

    crops = crop_set(samples)
    recs = []
    for name in engines:
        eng = get_engine(name, threads=1)
        for c in crops:
            cjk = c["script"] != "en"
            t0 = time.perf_counter()
            lines = eng.recognize(c["image"], LANG[c["script"]], vertical=c["script"] == "zh-vert")
            dt = time.perf_counter() - t0
            sep = "" if cjk else " "
            ocr = norm(sep.join(ln.text for ln in lines), cjk)
            gt = norm(sep.join(c["gt"].split("\n")), cjk)
            confs = [ln.confidence for ln in lines if ln.confidence >= 0]
            rec, prec = bag_recall(ocr, gt)
            recs.append({"engine": name, "script": c["script"], "kind": c["kind"], "sample": c["sample"],
                         "font": c["font"], "cer": round(cer(ocr, gt), 4), "recall": round(rec, 4),
                         "precision": round(prec, 4), "seconds": round(dt, 3),
                         "confidence": round(float(np.mean(confs)), 2) if confs else -1.0,
                         "picked": getattr(eng, "last_choice", "")})
            print(f"crops {name:9} {c['script']:7} {c['kind']:9} {c['sample']} cer={recs[-1]['cer']:.3f}",
                  file=sys.stderr)
    summary: dict[str, Any] = {}
    for r in recs:
        key = f"{r['script']}/{r['kind']}"
        summary.setdefault(key, {}).setdefault(r["engine"], []).append(r)
    table = {k: {e: {"cer": round(float(np.mean([x["cer"] for x in v])), 4),
                     "recall": round(float(np.mean([x["recall"] for x in v])), 4),
                     "seconds": round(float(np.mean([x["seconds"] for x in v])), 3)} for e, v in d.items()}
             for k, d in summary.items()}
    return {"records": recs, "table": table}


# ----------------------------------------------------------------- child runs (time + memory)
def child(args: argparse.Namespace) -> None:
    """One engine on one image (or its regions) in this process; prints JSON."""
    import cv2

    from layoutkit.engines import get_engine

    img = cv2.imread(args.image, cv2.IMREAD_GRAYSCALE)
    eng = get_engine(args.engine, threads=args.threads)
    t0 = time.perf_counter()
    texts = []
    boxes = json.loads(args.regions) if args.regions else [[0, 0, img.shape[1], img.shape[0]]]
    for x0, y0, x1, y1 in boxes:
        lines = eng.recognize(img[y0:y1, x0:x1], args.lang, vertical=args.vertical)
        texts.append("\n".join(ln.text for ln in lines))
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"text": "\n".join(texts), "seconds": dt, "peak_mb": rss}, ensure_ascii=False))


def run_child(engine: str, image: Path, lang: str, vertical: bool, regions: list[list[int]] | None,
              threads: int = 2) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "_child", "--engine", engine, "--image", str(image), "--lang", lang,
           "--threads", str(threads)]
    if vertical:
        cmd.append("--vertical")
    if regions:
        cmd += ["--regions", json.dumps(regions)]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if p.returncode != 0:
        raise RuntimeError(f"{engine} on {image.name} failed: {p.stderr[-800:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------- Jing bao
def jingbao_gt(xml: Path) -> str:
    from lxml import etree

    parser = etree.XMLParser(load_dtd=True, resolve_entities=True, no_network=True)
    root = etree.parse(str(xml), parser).getroot()
    text = "".join(t for t in root.itertext())  # comments are not text
    return re.sub(r"[\s\ue111]", "", unicodedata.normalize("NFC", text))


def jingbao_regions(js: Path) -> list[list[int]]:
    data = json.loads(js.read_text(encoding="utf-8"))
    out = []
    for item in data["items"]:
        label = item["body"][0]["value"]["name"]
        if label == "image":
            continue
        sel = item["target"][0]["selector"]["value"]
        m = re.search(r"matrix\(([^)]*)\)", sel)
        a, b, c, d, e, f = (float(v) for v in m.group(1).replace(",", " ").split()) if m else (1, 0, 0, 1, 0, 0)
        pts = re.search(r'points="([^"]*)"', sel)
        if not pts:
            continue
        xy = [tuple(float(v) for v in p.split(",")) for p in pts.group(1).split()]
        xs = [a * x + c * y + e for x, y in xy]
        ys = [b * x + d * y + f for x, y in xy]
        x0, y0, x1, y1 = int(max(0, min(xs))), int(max(0, min(ys))), int(max(xs)) + 1, int(max(ys)) + 1
        if (x1 - x0) > 8 and (y1 - y0) > 8:
            out.append([x0, y0, min(x1, 4832), min(y1, 3424)])
    return out


def han_only(t: str) -> str:
    return "".join(c for c in t if unicodedata.category(c) == "Lo")


def run_jingbao(engines: list[str]) -> dict[str, Any]:
    base = REAL / "ecpo-jingbao-1939"
    out: dict[str, Any] = {}
    for img in sorted((base / "images").glob("*.jpg")):
        gt = jingbao_gt(base / "textGT" / (img.stem + ".xml"))
        regions = jingbao_regions(base / "visualGT" / (img.stem + ".json"))
        res: dict[str, Any] = {"gt_chars": len(gt), "regions": len(regions)}
        for name in engines:
            if name == "auto":
                continue  # auto reads blocks; on a whole spread it is Tesseract + RapidOCR
            for mode, regs in (("page", None), ("regions", regions)):
                r = run_child(name, img, "chi_tra", True, regs)
                rec, prec = bag_recall(r["text"], gt)
                rec_h, _ = bag_recall(han_only(r["text"]), han_only(gt))
                res[f"{name}/{mode}"] = {"recall": round(rec, 4), "precision": round(prec, 4),
                                         "recall_han": round(rec_h, 4), "seconds": round(r["seconds"], 1),
                                         "peak_mb": round(r["peak_mb"]), "chars": len(r["text"])}
                print(f"jingbao {img.stem} {name}/{mode}: {res[f'{name}/{mode}']}", file=sys.stderr)
        out[img.stem] = res
    return out


# ----------------------------------------------------------------- BnL
def run_bnl(engines: list[str]) -> dict[str, Any]:
    import cv2
    from lxml import etree

    from layoutkit.engines import get_engine

    base = REAL / "bnl-textblocks"
    meta = {json.loads(ln)["image"].rsplit("/", 1)[1]: json.loads(ln)
            for ln in (base / "example.jsonl").read_text().splitlines() if ln.strip()}
    out: dict[str, Any] = {}
    engs = {n: get_engine(n, threads=2) for n in engines}
    for tif in sorted((base / "images").glob("*.tif")):
        root = etree.parse(str(base / "gt" / (tif.stem + ".xml"))).getroot()
        gt_lines = []
        for tl in root.iter("{*}TextLine"):
            gt_lines.append(" ".join(s.get("CONTENT", "") for s in tl.iter("{*}String")))
        gt = norm(" ".join(gt_lines), False)
        img = cv2.imread(str(tif), cv2.IMREAD_GRAYSCALE)
        res: dict[str, Any] = {"font": meta.get(tif.name, {}).get("font", "?")}
        for name, eng in engs.items():
            t0 = time.perf_counter()
            lines = eng.recognize(img, "eng")
            dt = time.perf_counter() - t0
            ocr = norm(" ".join(ln.text for ln in lines), False)
            res[name] = {"cer": round(cer(ocr, gt), 4), "seconds": round(dt, 2)}
        print(f"bnl {tif.name}: {res}", file=sys.stderr)
        out[tif.stem] = res
    return out


# ----------------------------------------------------------------- whole pages through convert
_CONVERT = ("import resource,sys,time;from layoutkit.cli import main;t=time.perf_counter();\n"
            "try:\n main(sys.argv[1:])\nexcept SystemExit as e:\n rc=e.code\n"
            "u=resource.getrusage(resource.RUSAGE_SELF);"
            "print('\\x00BENCH', time.perf_counter()-t, u.ru_maxrss/1024, u.ru_utime+u.ru_stime, rc, file=sys.stderr)")


def convert_run(image: Path, engine: str) -> dict[str, Any]:
    """``layoutkit convert IMAGE --engine ENGINE`` in a fresh process: its text
    output, wall seconds, CPU seconds (user + system) and peak RSS (MB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-c", _CONVERT, "convert", str(image), "--engine", engine]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    m = re.search(r"\x00BENCH (\S+) (\S+) (\S+) (\S+)", p.stderr)
    if not m or m.group(4) not in ("0", "None"):
        return {"error": p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed"}
    return {"text": p.stdout, "seconds": round(float(m.group(1)), 1), "peak_mb": round(float(m.group(2))),
            "cpu": round(float(m.group(3)), 1)}


def run_pages(engines: list[str], limit: int, fixtures: Path, jingbao: bool = True) -> dict[str, Any]:
    """Every page through ``layoutkit convert`` once per engine, engines
    alternating page by page so that both see the same machine load.  Fixture
    pages (``*.gt.txt`` beside the image): CER and bag recall of the text
    output; Jing bao spreads: bag recall against the full-text GT.
    ``ratio`` = this engine's wall time / Tesseract's on the same page."""
    jobs: list[tuple[str, Path, str, bool]] = []
    for gt_path in sorted(fixtures.rglob("*.gt.txt"))[:limit]:
        stem = gt_path.name[: -len(".gt.txt")]
        imgs = [p for p in gt_path.parent.glob(stem + ".*")
                if p.suffix.lower() in (".png", ".jpg", ".tif", ".tiff", ".pdf")]
        if imgs:
            gt_text = gt_path.read_text(encoding="utf-8")
            jobs.append((stem, imgs[0], gt_text, any("\u4e00" <= c <= "\u9fff" for c in gt_text[:200])))
    if jingbao:
        base = REAL / "ecpo-jingbao-1939"
        for img in sorted((base / "images").glob("*.jpg")):
            jobs.append((img.stem, img, jingbao_gt(base / "textGT" / (img.stem + ".xml")), True))
    out: dict[str, Any] = {}
    for stem, img, gt_text, cjk in jobs:
        res: dict[str, Any] = {}
        for name in engines:
            r = convert_run(img, name)
            if "error" in r:
                res[name] = r
                continue
            ocr, gtn = norm(r.pop("text"), cjk), norm(gt_text, cjk)
            rec, _ = bag_recall(ocr, gtn)
            if not stem.startswith("jb_"):
                r["cer"] = round(cer(ocr, gtn), 4)
            r["recall"] = round(rec, 4)
            res[name] = r
        t = res.get("tesseract", {}).get("seconds")
        for name in engines:
            if t and "seconds" in res[name]:
                res[name]["ratio"] = round(res[name]["seconds"] / t, 2)
        print(f"pages {stem}: {res}", file=sys.stderr)
        out[stem] = res
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        ap = argparse.ArgumentParser()
        ap.add_argument("_child")
        ap.add_argument("--engine")
        ap.add_argument("--image")
        ap.add_argument("--lang")
        ap.add_argument("--threads", type=int, default=2)
        ap.add_argument("--vertical", action="store_true")
        ap.add_argument("--regions", default="")
        child(ap.parse_args())
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--engines", default="tesseract,rapidocr,auto")
    ap.add_argument("--sections", default="crops,jingbao,bnl,pages")
    ap.add_argument("--samples", type=int, default=2, help="crops per (script, degradation)")
    ap.add_argument("--pages", type=int, default=12, help="fixture pages at most")
    ap.add_argument("--fixtures", default=str(ROOT / "fixtures"), help="folder with *.gt.txt pages")
    ap.add_argument("--no-spreads", action="store_true", help="pages: leave out the Jing bao spreads")
    ap.add_argument("--out", default=str(ROOT / "bench" / "engines.json"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    engines = [e for e in args.engines.split(",") if e]
    out_path = Path(args.out)
    result: dict[str, Any] = json.loads(out_path.read_text()) if out_path.exists() else {}
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    sections = args.sections.split(",")
    if "crops" in sections:
        result["crops"] = run_crops(engines, args.samples)
    if "jingbao" in sections:
        result["jingbao"] = run_jingbao(engines)
    if "bnl" in sections:
        result["bnl"] = run_bnl(engines)
    if "pages" in sections:
        result["pages"] = run_pages(engines, args.pages, Path(args.fixtures), not args.no_spreads)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
