"""Run batch tasks on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

The tasks are the same :class:`~layoutkit.batch.task.BatchTask` objects as
on the local pool; each worker converts a file and writes its outputs to
OUTDIR itself, so input and output paths must be the same on every machine
(a shared file system).  The manifest stays with the process that runs
``layoutkit batch``.

Start a cluster (``pip install 'layoutkit[cluster]'`` on every machine)::

    dask scheduler --port 8786                                # on one machine
    dask worker tcp://SCHEDULER:8786 --nworkers 4 --nthreads 1 \\
        --memory-limit 2GB                                    # on each machine
    layoutkit batch /archive -o /archive-out --scheduler tcp://SCHEDULER:8786

Use ``--nthreads 1`` and as many ``--nworkers`` as cores: one conversion per
process, and Tesseract limited to one thread in each.  ``--memory-limit``
lets the nanny restart a worker that grows; a worker that dies on a task
twice over is reported as a ``crash``.  Time limits: Dask cannot stop a
running task, so on a cluster ``--page-timeout`` is passed to the OCR
engine only.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

from ..errors import UsageError
from .task import BatchTask, TaskResult, failure

#: tasks in flight per worker thread; more would only queue on the scheduler
_IN_FLIGHT_PER_THREAD = 4


def _run_on_worker(fn: Callable[[BatchTask], TaskResult], task: BatchTask) -> TaskResult:
    """Runs inside a Dask worker: set the thread limits, then the task."""
    from .runner import limit_threads

    limit_threads()
    return fn(task)


def run_dask(
    tasks: list[BatchTask],
    fn: Callable[[BatchTask], TaskResult],
    address: str,
    *,
    connect_timeout: float = 30.0,
) -> Iterator[TaskResult]:
    """Send ``tasks`` to the Dask scheduler at ``address``; yield results as
    they finish (failed results for tasks whose worker died)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask distributed: run `pip install 'layoutkit[cluster]'`"
        ) from None
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler at {address} ({exc}); start it with `dask scheduler` "
            f"and check the address"
        ) from None
    batch_id = uuid.uuid4().hex[:8]
    try:
        threads = max(sum(client.nthreads().values()), 1)
        window = threads * _IN_FLIGHT_PER_THREAD
        by_key: dict[str, BatchTask] = {}
        todo = iter(tasks)

        def submit(task: BatchTask):  # type: ignore[no-untyped-def]
            key = f"layoutkit-{batch_id}-{task.index}"
            by_key[key] = task
            return client.submit(_run_on_worker, fn, task, key=key, pure=False)

        first = [submit(t) for _, t in zip(range(window), todo, strict=False)]
        ac = as_completed(first, loop=client.loop)
        for fut in ac:
            task = by_key.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, lost connections, task errors
                kind = "crash" if type(exc).__name__ == "KilledWorker" else "internal"
                msg = (f"{task.path}: the Dask workers running it died" if kind == "crash"
                       else f"{task.path}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                result = failure(task, kind, msg)
            fut.release()
            nxt = next(todo, None)
            if nxt is not None:
                ac.add(submit(nxt))
            yield result
    finally:
        client.close()
