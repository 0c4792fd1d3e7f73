"""``layoutkit engines``: which OCR engines this machine has, and what to install.

Prints one row per engine (tesseract, rapidocr, auto): available or not,
version, languages, and the command that installs what is missing.  With
``--json`` the same facts go to stdout as one JSON object.  Exit 0 even when
engines are missing (this command only reports).
"""

from __future__ import annotations

import json
from typing import Any

import click

from ..errors import EngineMissing

#: Tesseract languages a newspaper user of layoutkit typically needs
WANTED_TESSERACT = ("eng", "chi_sim", "chi_tra", "chi_sim_vert", "chi_tra_vert", "deu", "fra", "deu_latf")


def _tesseract_debian(lang: str) -> str:
    base = lang.replace("_vert", "")
    if base == "deu_latf":
        return "tesseract-ocr-deu-latf"
    return "tesseract-ocr-" + base.replace("_", "-").lower()


def probe_engines() -> list[dict[str, Any]]:
    """Facts about each engine: name, available, version, languages, missing
    (wanted languages not installed), install (commands), note."""
    from ..engines.rapidocr import INSTALL_HINT, RapidOcrEngine
    from ..engines.tesseract import TesseractEngine

    out: list[dict[str, Any]] = []
    tess: dict[str, Any] = {"name": "tesseract", "available": False, "version": "", "languages": [],
                            "missing": [], "install": [], "note": "default; reads the blocks the layout finds"}
    try:
        t = TesseractEngine()
        tess["version"] = t.version()
        tess["languages"] = t.languages()
        tess["available"] = True
        missing = [lang for lang in WANTED_TESSERACT if lang not in tess["languages"]]
        tess["missing"] = missing
        pkgs = sorted({_tesseract_debian(lang) for lang in missing})
        if pkgs:
            tess["install"] = [f"apt-get install {' '.join(pkgs)}"]
    except EngineMissing as exc:
        tess["install"] = ["apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-chi-tra"]
        tess["note"] = str(exc)
    out.append(tess)

    rap: dict[str, Any] = {"name": "rapidocr", "available": False, "version": "", "languages": [],
                           "missing": [], "install": [],
                           "note": "PP-OCRv4 (Chinese + Latin, horizontal and vertical) on ONNX Runtime; "
                                   "models ship in the wheel"}
    try:
        r = RapidOcrEngine()
        rap["version"] = r.version()
        rap["languages"] = r.languages()
        rap["available"] = True
    except EngineMissing as exc:
        rap["install"] = [INSTALL_HINT]
        rap["note"] = str(exc)
    out.append(rap)

    auto: dict[str, Any] = {"name": "auto", "available": tess["available"] and rap["available"],
                            "version": "", "languages": sorted(set(tess["languages"]) | set(rap["languages"])),
                            "missing": [], "install": [],
                            "note": "Tesseract per block, re-read with RapidOCR when CJK or low confidence"}
    if not auto["available"]:
        auto["install"] = tess["install"] + rap["install"]
        auto["note"] = "needs both tesseract and rapidocr"
    out.append(auto)
    return out


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON on stdout.")
def command(as_json: bool) -> None:
    """List the OCR engines available here, their versions and languages,
    and what to install for the missing ones."""
    facts = probe_engines()
    if as_json:
        click.echo(json.dumps({"engines": facts}, ensure_ascii=False, indent=2))
        return
    for f in facts:
        state = "available" if f["available"] else "MISSING"
        ver = f" {f['version']}" if f["version"] else ""
        click.echo(f"{f['name']:<10} {state}{ver}")
        if f["languages"]:
            click.echo(f"{'':<10} languages: {', '.join(f['languages'])}")
        if f["missing"]:
            click.echo(f"{'':<10} missing languages: {', '.join(f['missing'])}")
        for cmd in f["install"]:
            click.echo(f"{'':<10} install: {cmd}")
        if f["note"]:
            click.echo(f"{'':<10} {f['note']}")
