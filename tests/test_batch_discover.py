"""Input discovery and the manifest file format (no OCR)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from layoutkit.batch.core import _remove_stale_parts, options_key
from layoutkit.batch.discover import discover
from layoutkit.batch.manifest import (
    MANIFEST_NAME,
    ManifestWriter,
    is_up_to_date,
    latest_file_records,
    read_records,
    sha256_file,
)
from layoutkit.errors import UsageError
from layoutkit.options import ConvertOptions


def _touch(p: Path, data: bytes = b"x") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_directory_walk_mirrors_tree_and_ignores_non_pages(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    _touch(root / "1920" / "a.png")
    _touch(root / "1920" / "b.PDF")
    _touch(root / "1921" / "deep" / "c.tif")
    _touch(root / "readme.md")
    _touch(root / ".hidden" / "d.png")
    _touch(root / ".e.png")
    out = root / "out"  # output folder inside the input: never walked
    _touch(out / "1920" / "a.png")
    found = discover([str(root)], out)
    assert [it.stem for it in found.items] == ["1920/a", "1920/b", "1921/deep/c"]
    assert all(it.path.is_absolute() for it in found.items)
    assert [p.name for p in found.ignored] == ["readme.md"]


def test_explicit_files_are_always_inputs(tmp_path: Path) -> None:
    f = _touch(tmp_path / "notes.xyz")
    found = discover([str(f)])
    assert [it.stem for it in found.items] == ["notes"]
    assert found.ignored == ()


def test_glob_keeps_the_tree_below_its_fixed_part(tmp_path: Path) -> None:
    _touch(tmp_path / "scans" / "x" / "p1.png")
    _touch(tmp_path / "scans" / "y" / "p2.png")
    _touch(tmp_path / "scans" / "y" / "p3.jpg")
    found = discover([str(tmp_path / "scans" / "**" / "*.png")])
    assert [it.stem for it in found.items] == ["x/p1", "y/p2"]


def test_same_stem_keeps_suffixes_and_cross_root_clash_is_a_usage_error(tmp_path: Path) -> None:
    _touch(tmp_path / "d" / "p1.png")
    _touch(tmp_path / "d" / "p1.pdf")
    found = discover([str(tmp_path / "d")])
    assert sorted(it.stem for it in found.items) == ["p1.pdf", "p1.png"]
    _touch(tmp_path / "e" / "p1.png")
    _touch(tmp_path / "f" / "p1.png")
    with pytest.raises(UsageError, match="same outputs"):
        discover([str(tmp_path / "e"), str(tmp_path / "f")])


def test_missing_and_duplicate_inputs(tmp_path: Path) -> None:
    a = _touch(tmp_path / "a.png")
    found = discover([str(a), str(tmp_path), str(tmp_path / "nope.png")])
    assert [it.stem for it in found.items] == ["a"]  # reached twice, counted once
    assert found.missing and "nope.png" in found.missing[0][1]
    with pytest.raises(UsageError):
        discover([str(tmp_path / "empty*dir")])


def test_manifest_survives_a_torn_last_line(tmp_path: Path) -> None:
    with ManifestWriter(tmp_path) as m:
        m.append({"type": "file", "path": "/a", "status": "ok"})
    # a kill in the middle of a write leaves half a line
    with open(tmp_path / MANIFEST_NAME, "ab") as fh:
        fh.write(b'{"type": "file", "path": "/b", "sta')
    with ManifestWriter(tmp_path) as m:
        m.append({"type": "file", "path": "/c", "status": "failed"})
    recs = list(read_records(tmp_path))
    assert [r["path"] for r in recs] == ["/a", "/c"]
    assert set(latest_file_records(tmp_path)) == {"/a", "/c"}


def test_is_up_to_date_checks_input_options_and_outputs(tmp_path: Path) -> None:
    out = _touch(tmp_path / "p.txt", b"hello\n")
    rec = {"status": "ok", "sha256": "abc", "options_key": "k",
           "outputs": [{"path": "p.txt", "sha256": sha256_file(out), "bytes": 6}]}
    assert is_up_to_date(rec, "abc", "k", tmp_path)
    assert not is_up_to_date(rec, "abd", "k", tmp_path)  # input changed
    assert not is_up_to_date(rec, "abc", "other", tmp_path)  # options changed
    assert not is_up_to_date({**rec, "status": "failed"}, "abc", "k", tmp_path)
    out.write_bytes(b"hellO\n")  # output edited, same size
    assert not is_up_to_date(rec, "abc", "k", tmp_path)
    out.unlink()
    assert not is_up_to_date(rec, "abc", "k", tmp_path)


def test_options_key_ignores_threads_and_timeout_but_not_languages() -> None:
    base = options_key(ConvertOptions(), ("txt",))
    assert options_key(ConvertOptions(threads=1, timeout=5), ("txt",)) == base
    assert options_key(ConvertOptions(languages="eng"), ("txt",)) != base
    assert options_key(ConvertOptions(), ("txt", "json")) != base


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    part = _touch(tmp_path / "sub" / ".p1.txt.abc123.part")
    keep = _touch(tmp_path / "sub" / "p1.txt")
    assert _remove_stale_parts(tmp_path) == 1
    assert not part.exists() and keep.exists()


def test_manifest_lines_are_json_objects(tmp_path: Path) -> None:
    with ManifestWriter(tmp_path) as m:
        m.append({"type": "summary", "files_ok": 1, "text": "中文"})
    raw = (tmp_path / MANIFEST_NAME).read_bytes()
    assert raw.endswith(b"\n") and json.loads(raw)["text"] == "中文"
    assert os.stat(tmp_path / MANIFEST_NAME).st_size == len(raw)
