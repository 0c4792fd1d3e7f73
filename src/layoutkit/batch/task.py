"""The per-file unit of work of a batch, run in a worker process.

:class:`BatchTask` is a small picklable description of one input;
:func:`convert_one` converts it with :func:`layoutkit.pipeline.convert_file`,
writes its outputs atomically and returns a plain ``dict`` (JSON-able) for
the manifest.  Every error about the input becomes a ``failed`` result; the
worker itself never dies of a bad file.
"""

from __future__ import annotations

import os
import resource
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..options import ConvertOptions

#: a task function: one task in, one result dict out (picklable, top level)
TaskResult = dict[str, Any]


@dataclass(frozen=True)
class BatchTask:
    """One input file to convert.

    ``path`` is absolute; outputs go to ``outdir/stem + suffix`` for each of
    ``formats``; ``pages`` is the page count found at discovery (for
    progress and the time limit; 1 when unknown); ``index`` is the task's
    position in the batch.
    """

    index: int
    path: str
    stem: str
    outdir: str
    formats: tuple[str, ...]
    options: ConvertOptions
    pages: int = 1
    options_key: str = ""


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports KiB)."""
    ru = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS reports bytes
    return round(ru / per_mb, 1)


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, in seconds."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def worker_info() -> dict[str, Any]:
    """Who ran a task: process id, host name and peak RSS (MiB)."""
    return {"pid": os.getpid(), "host": socket.gethostname(), "peak_rss_mb": peak_rss_mb()}


def base_result(task: BatchTask) -> TaskResult:
    """The fields every result has, before the work is done."""
    return {
        "index": task.index,
        "path": task.path,
        "stem": task.stem,
        "pages": task.pages,
        "page_status": [],
        "status": "failed",
        "error": "",
        "error_kind": "",
        "outputs": [],
        "engine": "",
        "options_key": task.options_key,
    }


def failure(task: BatchTask, kind: str, message: str, **extra: Any) -> TaskResult:
    """A failed result for ``task`` (every page marked failed)."""
    res = base_result(task)
    res.update(error=message, error_kind=kind, page_status=["failed"] * max(task.pages, 0))
    res.update(extra)
    return res


def convert_one(task: BatchTask) -> TaskResult:
    """Convert one input and write its outputs; never raises for a bad input."""
    from ..errors import LayoutkitError
    from ..export import write_outputs
    from ..pipeline import convert_file
    from .manifest import sha256_file

    t0 = time.perf_counter()
    cpu0 = cpu_seconds()
    res = base_result(task)
    path = Path(task.path)
    try:
        res["size"] = path.stat().st_size
        res["sha256"] = sha256_file(path)
    except OSError as exc:
        res.update(failure(task, "InputNotFound", f"{path}: cannot read ({exc.strerror}); check the path and permissions"))
        res["seconds"] = round(time.perf_counter() - t0, 3)
        res["worker"] = worker_info()
        return res
    try:
        doc = convert_file(path, task.options)
        written = write_outputs(doc, task.outdir, task.stem, list(task.formats), source=str(path))
    except LayoutkitError as exc:
        res.update(error=str(exc), error_kind=type(exc).__name__, page_status=["failed"] * task.pages)
    except MemoryError:
        res.update(error=f"{path}: out of memory; lower --jobs or split the file", error_kind="MemoryError",
                   page_status=["failed"] * task.pages)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        tb = traceback.format_exception(exc)
        res.update(
            error=f"{path}: internal error {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}; "
                  f"please report it with this file",
            error_kind="internal",
            page_status=["failed"] * task.pages,
            traceback="".join(tb[-6:]),
        )
    else:
        res["pages"] = len(doc.pages)
        res["page_status"] = [str(p.status) for p in doc.pages]
        stages: dict[str, float] = {}
        for page in doc.pages:
            for stage, secs in page.timings:
                stages[stage] = stages.get(stage, 0.0) + secs
        res["stage_seconds"] = {k: round(v, 3) for k, v in stages.items()}
        engines = sorted({p.engine for p in doc.pages if p.engine})
        res["engine"] = ", ".join(engines) if engines else doc.pages[0].path if doc.pages else ""
        outs = []
        for p in written:
            outs.append({
                "path": Path(p).relative_to(task.outdir).as_posix(),
                "sha256": sha256_file(p),
                "bytes": Path(p).stat().st_size,
            })
        res["outputs"] = outs
        res["status"] = "ok"
        res["document_status"] = str(doc.status)
    res["seconds"] = round(time.perf_counter() - t0, 3)
    res["cpu_seconds"] = round(cpu_seconds() - cpu0, 3)
    res["worker"] = worker_info()
    return res
