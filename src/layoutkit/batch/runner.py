"""A local pool of worker processes with per-task time limits.

``concurrent.futures.ProcessPoolExecutor`` cannot stop a task that hangs and
breaks as a whole when one worker dies, so this pool manages its own
processes (``spawn`` start method: no state shared with the parent, and the
thread limits below are set before any OCR library loads):

- each worker takes one task at a time over its own pipe and says when it
  starts it; a task that runs past its time limit has its worker killed
  (SIGKILL) and replaced, and is reported as failed with ``error_kind``
  ``timeout``;
- a worker that dies while working (``os._exit``, a signal, the kernel's
  out-of-memory killer) is replaced and its task reported with
  ``error_kind`` ``crash`` and the exit code or signal;
- a worker retires after ``max_pages`` pages (memory returned to the OS),
  and a fresh one takes its place.

Results come back in completion order from :meth:`LocalPool.run`.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import pickle
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .task import BatchTask, TaskResult, failure, worker_info

#: thread limits for one worker: N workers then use N cores, not N x cores.
#: Values already in the environment win (a user may know better).
WORKER_ENV = {
    "OMP_THREAD_LIMIT": "1",  # Tesseract's OpenMP
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENCV_FOR_THREADS_NUM": "1",
}


def limit_threads() -> None:
    """Set :data:`WORKER_ENV` in this process (call before OCR libraries load)."""
    for key, value in WORKER_ENV.items():
        os.environ.setdefault(key, value)
    try:
        import cv2  # already loaded by now in most workers; cheap when it is

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - opencv is a dependency
        pass


def _die_with_parent(parent_pid: int) -> None:
    """Linux: have the kernel SIGKILL this worker when the batch process dies,
    so a killed batch leaves no worker behind to write into OUTDIR."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if parent_pid and os.getppid() != parent_pid:  # the parent died before the line above took effect
        os._exit(1)


def _worker_main(conn: Connection, fn_bytes: bytes, max_pages: int, parent_pid: int = 0) -> None:
    """Body of a worker process: run tasks from ``conn`` until told to stop,
    the parent goes away, or ``max_pages`` pages are done."""
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    limit_threads()
    fn: Callable[[BatchTask], TaskResult] = pickle.loads(fn_bytes)
    pages_done = 0
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(("start", task.index))
        try:
            result = fn(task)
        except Exception as exc:  # noqa: BLE001 - a task function should not raise; keep the worker
            result = failure(task, "internal", f"{task.path}: {type(exc).__name__}: {exc}", worker=worker_info())
        pages_done += max(int(result.get("pages") or 1), 1)
        retire = bool(max_pages) and pages_done >= max_pages
        try:
            conn.send(("done", result, retire))
        except OSError:
            return  # the parent is gone
        except (pickle.PicklingError, TypeError) as exc:
            conn.send(("done", failure(task, "internal", f"{task.path}: result not sendable: {exc}"), True))
            return
        if retire:
            return


def describe_exit(exitcode: int | None) -> str:
    """Words for a worker's exit code (negative = killed by that signal)."""
    if exitcode is None:
        return "the worker stopped answering"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        hint = " (possibly the out-of-memory killer; lower --jobs)" if -exitcode == signal.SIGKILL else ""
        return f"the worker process was killed by {name}{hint}"
    return f"the worker process exited with code {exitcode}"


@dataclass
class _Slot:
    proc: Any  # multiprocessing.context.SpawnProcess
    conn: Connection
    task: BatchTask | None = None
    deadline: float | None = None
    started: bool = False
    retiring: bool = False
    pages_done: int = field(default=0)


class LocalPool:
    """Run task functions on ``jobs`` local worker processes.

    ``fn`` must be a picklable top-level function ``BatchTask -> dict``.
    ``page_timeout`` (seconds, 0 = none) times a task's page count is its
    time limit, counted from the moment the worker starts it.
    ``max_pages`` recycles a worker after that many pages (0 = never).
    """

    def __init__(
        self,
        fn: Callable[[BatchTask], TaskResult],
        jobs: int = 1,
        *,
        page_timeout: float = 0.0,
        max_pages: int = 50,
        start_method: str = "spawn",
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs must be >= 1")
        self.fn_bytes = pickle.dumps(fn)
        self.jobs = jobs
        self.page_timeout = page_timeout
        self.max_pages = max_pages
        self.ctx: Any = mp.get_context(start_method)  # typeshed: BaseContext lacks Process
        self.workers_started = 0

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(
            target=_worker_main, args=(child, self.fn_bytes, self.max_pages, os.getpid()), name="layoutkit-batch-worker",
            daemon=True,
        )
        # a spawned child copies the environment at start(): set the thread
        # limits there so they hold before numpy/OpenCV/Tesseract load
        saved = {k: os.environ.get(k) for k in WORKER_ENV}
        for key, value in WORKER_ENV.items():
            os.environ.setdefault(key, value)
        try:
            proc.start()
        finally:
            for key, old in saved.items():
                if old is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = old
        child.close()
        self.workers_started += 1
        return _Slot(proc, parent)

    def _limit(self, task: BatchTask) -> float | None:
        if self.page_timeout <= 0:
            return None
        return self.page_timeout * max(task.pages, 1)

    @staticmethod
    def _stop(slot: _Slot, kill: bool = False) -> None:
        if kill and slot.proc.is_alive():
            slot.proc.kill()
        else:
            try:
                slot.conn.send(None)
            except OSError:
                pass
        slot.proc.join(timeout=5)
        if slot.proc.is_alive():
            slot.proc.kill()
            slot.proc.join(timeout=5)
        slot.conn.close()

    def run(self, tasks: Iterable[BatchTask]) -> Iterator[TaskResult]:
        """Run every task; yield one result per task, as each one finishes."""
        pending = deque(tasks)
        slots: list[_Slot] = []
        try:
            while pending or any(s.task is not None for s in slots):
                # keep `jobs` workers while there is work, each with one task
                while len(slots) < self.jobs and len(slots) < len(pending) + sum(s.task is not None for s in slots):
                    slots.append(self._spawn())
                for s in slots:
                    if s.task is None and not s.retiring and pending:
                        s.task = pending.popleft()
                        s.started, s.deadline = False, None
                        try:
                            s.conn.send(s.task)
                        except OSError:
                            pass  # the worker is gone; its sentinel reports it below
                now = time.monotonic()
                deadlines = [s.deadline for s in slots if s.deadline is not None]
                timeout = max(0.0, min(deadlines) - now) if deadlines else None
                waitables: list[Any] = [s.conn for s in slots] + [s.proc.sentinel for s in slots]
                wait(waitables, timeout=timeout)
                finished: list[_Slot] = []
                for s in slots:
                    yield from self._drain(s)
                    if s.retiring and s.task is None:
                        finished.append(s)
                        continue
                    if not s.proc.is_alive():
                        yield from self._drain(s)  # a last message may have arrived meanwhile
                        if s.task is not None:
                            yield failure(s.task, "crash", f"{s.task.path}: {describe_exit(s.proc.exitcode)}",
                                          worker={"pid": s.proc.pid, "exitcode": s.proc.exitcode})
                            s.task = None
                        finished.append(s)
                        continue
                    if s.task is not None and s.deadline is not None and time.monotonic() >= s.deadline:
                        limit = self._limit(s.task) or 0.0
                        yield failure(
                            s.task, "timeout",
                            f"{s.task.path}: not done after {limit:g} s ({max(s.task.pages, 1)} page(s) x "
                            f"--page-timeout {self.page_timeout:g} s); the worker was stopped. "
                            f"Raise --page-timeout or check the file",
                            worker={"pid": s.proc.pid},
                        )
                        s.task = None
                        self._stop(s, kill=True)
                        finished.append(s)
                for s in finished:
                    if s in slots:
                        slots.remove(s)
                        if s.proc.is_alive() or s.proc.exitcode is None:
                            self._stop(s)
                        else:
                            s.conn.close()
        finally:
            for s in slots:
                self._stop(s, kill=s.task is not None)

    def _drain(self, s: _Slot) -> Iterator[TaskResult]:
        """Handle every message waiting on ``s``'s pipe."""
        while True:
            try:
                if s.conn.closed or not s.conn.poll():
                    return
                msg = s.conn.recv()
            except (EOFError, OSError):
                return
            if msg[0] == "start" and s.task is not None:
                s.started = True
                limit = self._limit(s.task)
                s.deadline = time.monotonic() + limit if limit else None
            elif msg[0] == "done":
                _, result, retire = msg
                s.task, s.deadline, s.started = None, None, False
                s.retiring = bool(retire)
                yield result
