"""The batch manifest: an append-only JSON-lines file in OUTDIR.

``OUTDIR/layoutkit-manifest.jsonl`` holds one JSON object per line, each
written with a single ``write`` and ``fsync``, so a process killed at any
moment leaves at most one torn last line (skipped when read; the next
writer starts on a fresh line).  Record types (field ``type``):

``run``      a batch started: ``run_id``, ``started`` (UTC ISO 8601), the
             layoutkit version, options, jobs, scheduler.
``file``     one input finished: ``path`` (absolute), ``stem``, ``size``
             (bytes), ``sha256``, ``pages``, ``page_status`` (one of ok /
             empty / failed per page), ``status`` (ok / failed / skipped),
             ``error`` and ``error_kind`` (exception class, ``timeout``,
             ``crash``), ``seconds`` (wall time in the worker), ``cpu_seconds``,
             ``stage_seconds`` (summed per pipeline stage),
             ``engine``, ``outputs`` (``path`` relative to OUTDIR, ``sha256``,
             ``bytes``), ``worker`` (``pid``, ``host``, ``peak_rss_mb``),
             ``options_key`` and ``finished``.
``ignored``  a file seen in a walked folder that is not a page file.
``summary``  a batch ended: counts of files ok / failed / skipped, pages,
             seconds, pages per minute, peak worker RSS.

Resume reads every record of every run: the last ``file`` record of an
input decides whether it can be skipped (see :func:`is_up_to_date`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import OutputError

MANIFEST_NAME = "layoutkit-manifest.jsonl"

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of the file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


class ManifestWriter:
    """Appends records to the manifest, each one durable once :meth:`append`
    returns (``O_APPEND`` write of the whole line, then ``fsync``)."""

    def __init__(self, outdir: str | Path) -> None:
        self.path = Path(outdir) / MANIFEST_NAME
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            # a torn last line from a killed run: start ours on a fresh line
            size = os.fstat(self._fd).st_size
            if size:
                with open(self.path, "rb") as fh:
                    fh.seek(size - 1)
                    if fh.read(1) != b"\n":
                        os.write(self._fd, b"\n")
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the manifest ({exc.strerror}); check the output folder") from None

    def append(self, record: dict[str, Any]) -> None:
        line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        try:
            os.write(self._fd, line)
            os.fsync(self._fd)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write the manifest ({exc.strerror}); check free space") from None

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> ManifestWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_records(outdir: str | Path) -> Iterator[dict[str, Any]]:
    """Every intact record of the manifest in OUTDIR, oldest first (none when
    there is no manifest).  Torn or foreign lines are skipped."""
    path = Path(outdir) / MANIFEST_NAME
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for raw in fh:
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict) and "type" in rec:
                yield rec


def latest_file_records(outdir: str | Path) -> dict[str, dict[str, Any]]:
    """The last ``file`` record per input path that is not a resume skip.

    A ``skipped`` record points back at the conversion that made the outputs,
    so it does not replace it.
    """
    latest: dict[str, dict[str, Any]] = {}
    for rec in read_records(outdir):
        if rec.get("type") == "file" and rec.get("status") != "skipped" and isinstance(rec.get("path"), str):
            latest[rec["path"]] = rec
    return latest


def is_up_to_date(record: dict[str, Any] | None, sha256: str, options_key: str, outdir: str | Path) -> bool:
    """True when ``record`` is a successful conversion of exactly this input
    (``sha256``) with the same options, and every output it wrote is still
    in OUTDIR with the checksum recorded."""
    if not record or record.get("status") != "ok":
        return False
    if record.get("sha256") != sha256 or record.get("options_key") != options_key:
        return False
    outputs = record.get("outputs") or []
    if not outputs:
        return False
    for out in outputs:
        p = Path(outdir) / str(out.get("path", ""))
        try:
            if p.stat().st_size != out.get("bytes") or sha256_file(p) != out.get("sha256"):
                return False
        except OSError:
            return False
    return True
