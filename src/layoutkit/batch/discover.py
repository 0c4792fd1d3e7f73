"""Find the inputs of a batch and where each one's outputs go.

Inputs are files, directories (walked recursively, sorted, hidden entries
skipped) and glob patterns (``*``, ``?``, ``[...]``, ``**`` for any depth).
Each input gets an output *stem*: its path relative to the directory (or the
fixed part of the glob) it was found under, without the suffix, so the
outputs mirror the input tree under OUTDIR::

    layoutkit batch archive/ -o out     archive/1920/p1.png -> out/1920/p1.txt

Two inputs that would share a stem (``p1.png`` and ``p1.pdf`` side by side)
both keep their suffix in the stem (``p1.png.txt``, ``p1.pdf.txt``).

Files named on the command line are always inputs (an unsupported one fails
with a message in the manifest); inside walked directories only files with
an image or PDF suffix are taken, the rest are listed as *ignored*.
"""

from __future__ import annotations

import glob
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import UsageError
from ..sources import SUPPORTED

_MAGIC_CHARS = set("*?[")


@dataclass(frozen=True)
class InputItem:
    """One input file.  ``path`` is absolute; ``stem`` is the POSIX output
    path relative to OUTDIR without a format suffix; ``arg`` is the command
    line argument it came from."""

    path: Path
    stem: str
    arg: str


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover` found: ``items`` in a stable order, ``ignored``
    files (not page files, seen inside directories) and ``missing`` arguments
    (paths that do not exist) with a one-line reason each."""

    items: tuple[InputItem, ...]
    ignored: tuple[Path, ...] = ()
    missing: tuple[tuple[str, str], ...] = field(default=())


def _has_magic(arg: str) -> bool:
    return any(c in _MAGIC_CHARS for c in arg)


def _glob_root(pattern: str) -> Path:
    """The longest leading part of ``pattern`` without glob characters."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if _has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _walk(root: Path, exclude: Path | None) -> tuple[list[Path], list[Path]]:
    """Files under ``root`` (sorted, recursive); page files and the others."""
    pages: list[Path] = []
    others: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        d = Path(dirpath)
        # skip hidden folders and our own output folder when it is inside the input
        dirnames[:] = sorted(
            n for n in dirnames
            if not n.startswith(".") and (exclude is None or (d / n).resolve() != exclude)
        )
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = d / name
            (pages if p.suffix.lower() in SUPPORTED else others).append(p)
    return pages, others


def discover(inputs: list[str] | tuple[str, ...], outdir: str | Path | None = None) -> Discovery:
    """Expand ``inputs`` into :class:`InputItem` objects.

    Raises :class:`UsageError` when two inputs would write the same outputs
    or when nothing at all was found.
    """
    exclude = Path(outdir).resolve() if outdir is not None else None
    found: list[tuple[Path, Path, str]] = []  # (absolute path, path relative to its root, arg)
    ignored: list[Path] = []
    missing: list[tuple[str, str]] = []
    for arg in inputs:
        p = Path(arg)
        if p.is_dir():
            pages, others = _walk(p, exclude)
            found.extend((f.resolve(), f.relative_to(p), arg) for f in pages)
            ignored.extend(f.resolve() for f in others)
        elif p.exists() or p.is_symlink():
            found.append((p.resolve(), Path(p.name), arg))
        elif _has_magic(arg):
            root = _glob_root(arg)
            for m in sorted(glob.glob(arg, recursive=True)):
                mp = Path(m)
                if not mp.is_file():
                    continue
                rel = mp.relative_to(root) if mp.is_relative_to(root) else Path(mp.name)
                if _is_hidden(rel) or (exclude is not None and mp.resolve().is_relative_to(exclude)):
                    continue
                found.append((mp.resolve(), rel, arg))
        else:
            missing.append((arg, f"{arg}: no such file or directory; check the path"))
    # the same file reached twice (a file inside a folder also given) counts once
    unique: dict[Path, tuple[Path, str]] = {}
    for path, rel, arg in found:
        unique.setdefault(path, (rel, arg))
    if not unique and not missing:
        raise UsageError(f"no input files found in {' '.join(inputs)}; give image or PDF files, folders or globs")
    by_stem: dict[str, list[Path]] = defaultdict(list)
    for path, (rel, _) in unique.items():
        by_stem[PurePosixPath(rel.with_suffix("").as_posix()).as_posix()].append(path)
    items: list[InputItem] = []
    for path, (rel, arg) in unique.items():
        stem = rel.with_suffix("").as_posix()
        if len(by_stem[stem]) > 1:
            stem = rel.as_posix()
        items.append(InputItem(path, stem, arg))
    seen: dict[str, Path] = {}
    for it in items:
        if it.stem in seen:
            raise UsageError(
                f"{seen[it.stem]} and {it.path} would write the same outputs ({it.stem}.*); "
                f"give their common parent folder or run them into different output folders"
            )
        seen[it.stem] = it.path
    items.sort(key=lambda it: it.stem)
    ignored_set = set(ignored) - set(unique)
    return Discovery(tuple(items), tuple(sorted(ignored_set)), tuple(missing))
