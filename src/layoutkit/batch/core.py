"""The batch driver: discover inputs, skip what is done, run the rest on the
local pool or a Dask cluster, record every outcome in the manifest.

Order of writes for one input: the worker writes each output atomically
(temporary file, fsync, rename), then the parent appends the input's
``file`` record to the manifest.  A kill between the two only means the
input is converted again on ``--resume``, giving the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .. import __version__
from ..errors import UsageError
from ..options import ConvertOptions
from .discover import Discovery, discover
from .manifest import MANIFEST_NAME, ManifestWriter, is_up_to_date, latest_file_records, sha256_file
from .task import BatchTask, TaskResult, convert_one

LOCK_NAME = ".layoutkit-batch.lock"


@dataclass(frozen=True)
class BatchConfig:
    """Everything a batch needs.  ``page_timeout`` in seconds per page
    (0 = no limit); ``max_pages_per_worker`` recycles local workers (0 =
    never); ``scheduler`` is a Dask address (``tcp://host:port``) or empty
    for the local pool; ``task_fn`` is the per-file function (tests may pass
    their own picklable one)."""

    inputs: tuple[str, ...]
    outdir: str
    formats: tuple[str, ...] = ("txt", "json")
    jobs: int = 1
    resume: bool = False
    scheduler: str = ""
    page_timeout: float = 300.0
    max_pages_per_worker: int = 50
    options: ConvertOptions = field(default_factory=ConvertOptions)
    task_fn: Callable[[BatchTask], TaskResult] = convert_one


class Reporter(Protocol):
    """Receives progress events (the CLI shows them on stderr)."""

    def start(self, files: int, pages: int, skipped_files: int, skipped_pages: int) -> None: ...

    def file_done(self, record: dict[str, Any]) -> None: ...

    def finish(self, summary: dict[str, Any]) -> None: ...


class NullReporter:
    """Reports nothing."""

    def start(self, files: int, pages: int, skipped_files: int, skipped_pages: int) -> None:
        pass

    def file_done(self, record: dict[str, Any]) -> None:
        pass

    def finish(self, summary: dict[str, Any]) -> None:
        pass


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def options_key(options: ConvertOptions, formats: tuple[str, ...]) -> str:
    """A short hash of everything that changes the outputs (not the thread
    count, time limit or debug folder): outputs made with another key are
    redone on resume."""
    d = dataclasses.asdict(options)
    for k in ("timeout", "threads", "debug_dir"):
        d.pop(k, None)
    d["formats"] = sorted(formats)
    return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _count_pages(path: Path) -> int:
    """Page count for progress and time limits; 1 when the file cannot tell
    (its worker then reports the real problem)."""
    from ..errors import LayoutkitError
    from ..sources import count_pages

    try:
        return max(int(count_pages(path)), 1)
    except (LayoutkitError, OSError, ValueError):
        return 1


def _lock(outdir: Path) -> int:
    """Hold an exclusive lock on OUTDIR for this batch (released on exit or kill)."""
    fd = os.open(outdir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise UsageError(f"{outdir}: another `layoutkit batch` is writing there; wait for it or pick another -o") from None
    return fd


def _remove_stale_parts(outdir: Path) -> int:
    """Delete temporary files (``.NAME.XXXX.part``) a killed run left behind."""
    n = 0
    for p in outdir.rglob(".*.part"):
        try:
            p.unlink()
            n += 1
        except OSError:
            pass
    return n


def run_batch(config: BatchConfig, reporter: Reporter | None = None) -> dict[str, Any]:
    """Run a batch and return its summary (also the manifest's last record).

    Raises :class:`UsageError` for bad arguments; failures of single inputs
    are recorded, never raised.
    """
    rep = reporter or NullReporter()
    t0 = time.perf_counter()
    outdir = Path(config.outdir).resolve()
    if config.jobs < 1:
        raise UsageError(f"--jobs {config.jobs}: give 1 or more worker processes")
    if config.page_timeout < 0:
        raise UsageError("--page-timeout must be 0 (no limit) or more seconds")
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir}: exists and is not a folder; give another -o")
    found: Discovery = discover(list(config.inputs), outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    lock_fd = _lock(outdir)
    try:
        return _run_locked(config, found, outdir, rep, t0)
    finally:
        os.close(lock_fd)


def _run_locked(config: BatchConfig, found: Discovery, outdir: Path, rep: Reporter, t0: float) -> dict[str, Any]:
    _remove_stale_parts(outdir)
    run_id = uuid.uuid4().hex[:12]
    key = options_key(config.options, config.formats)
    previous = latest_file_records(outdir) if config.resume else {}
    counts = {"ok": 0, "failed": 0, "skipped": 0}
    pages = {"done": 0, "failed": 0, "skipped": 0}
    peak_rss = 0.0
    with ManifestWriter(outdir) as manifest:
        manifest.append({
            "type": "run", "run_id": run_id, "started": _now(), "layoutkit": __version__,
            "inputs": list(config.inputs), "outdir": str(outdir), "formats": list(config.formats),
            "jobs": config.jobs, "scheduler": config.scheduler, "resume": config.resume,
            "page_timeout": config.page_timeout, "max_pages_per_worker": config.max_pages_per_worker,
            "options": dataclasses.asdict(config.options), "options_key": key, "pid": os.getpid(),
        })
        for p in found.ignored:
            manifest.append({"type": "ignored", "run_id": run_id, "path": str(p),
                             "reason": "not an image or PDF file"})

        def record(rec: dict[str, Any]) -> None:
            nonlocal peak_rss
            rec.setdefault("type", "file")
            rec["run_id"] = run_id
            rec["finished"] = _now()
            status = rec.get("status", "failed")
            counts[status] = counts.get(status, 0) + 1
            n = int(rec.get("pages") or 0)
            if status == "ok":
                pages["done"] += n
            elif status == "skipped":
                pages["skipped"] += n
            else:
                pages["failed"] += n
            peak_rss = max(peak_rss, float((rec.get("worker") or {}).get("peak_rss_mb") or 0.0))
            manifest.append(rec)
            rep.file_done(rec)

        tasks: list[BatchTask] = []
        skipped: list[dict[str, Any]] = []
        for i, item in enumerate(found.items):
            prev = previous.get(str(item.path))
            if prev is not None:
                try:
                    sha = sha256_file(item.path)
                except OSError:
                    sha = ""
                if sha and is_up_to_date(prev, sha, key, outdir):
                    skipped.append({
                        "path": str(item.path), "stem": item.stem, "status": "skipped",
                        "sha256": sha, "size": item.path.stat().st_size, "pages": prev.get("pages", 0),
                        "page_status": prev.get("page_status", []), "outputs": prev.get("outputs", []),
                        "engine": prev.get("engine", ""), "options_key": key,
                        "reason": f"unchanged since run {prev.get('run_id', '?')}",
                    })
                    continue
            tasks.append(BatchTask(i, str(item.path), item.stem, str(outdir), tuple(config.formats),
                                   config.options, _count_pages(item.path), key))
        rep.start(
            len(tasks) + len(skipped) + len(found.missing),
            sum(t.pages for t in tasks) + sum(int(s["pages"] or 0) for s in skipped),
            len(skipped), sum(int(s["pages"] or 0) for s in skipped),
        )
        for s in skipped:
            record(s)
        for arg, message in found.missing:
            record({"path": arg, "stem": "", "status": "failed", "error": message,
                    "error_kind": "InputNotFound", "pages": 0, "page_status": [], "outputs": []})
        interrupted = False
        try:
            for res in _execute(config, tasks):
                if res.get("status") != "ok" and not res.get("sha256"):
                    try:  # crash / timeout results: record which version of the input failed
                        res["size"] = Path(res["path"]).stat().st_size
                        res["sha256"] = sha256_file(res["path"])
                    except OSError:
                        pass
                record(res)
        except KeyboardInterrupt:
            interrupted = True
        seconds = time.perf_counter() - t0
        summary = {
            "type": "summary", "run_id": run_id, "finished": _now(),
            "files_ok": counts["ok"], "files_failed": counts["failed"], "files_skipped": counts["skipped"],
            "files_ignored": len(found.ignored), "pages_done": pages["done"], "pages_failed": pages["failed"],
            "pages_skipped": pages["skipped"], "seconds": round(seconds, 2),
            "pages_per_minute": round(pages["done"] * 60.0 / seconds, 1) if seconds > 0 else 0.0,
            "peak_worker_rss_mb": peak_rss, "interrupted": interrupted,
            "manifest": str(outdir / MANIFEST_NAME),
        }
        manifest.append(summary)
    rep.finish(summary)
    if interrupted:
        raise KeyboardInterrupt
    return summary


def _execute(config: BatchConfig, tasks: list[BatchTask]):  # type: ignore[no-untyped-def]
    """Results of ``tasks`` from the local pool or the Dask cluster."""
    if not tasks:
        return iter(())
    opts = config.options
    if opts.threads == 0:
        opts = dataclasses.replace(opts, threads=1)
    if config.page_timeout and not opts.timeout:
        opts = dataclasses.replace(opts, timeout=config.page_timeout)
    if opts is not config.options:
        tasks = [dataclasses.replace(t, options=opts) for t in tasks]
    if config.scheduler:
        from .cluster import run_dask

        return run_dask(tasks, config.task_fn, config.scheduler)
    from .runner import LocalPool

    pool = LocalPool(config.task_fn, min(config.jobs, len(tasks)),
                     page_timeout=config.page_timeout, max_pages=config.max_pages_per_worker)
    return pool.run(tasks)
