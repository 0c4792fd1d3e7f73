"""The local worker pool: crashes, time limits and recycling, with real
worker processes.  The task functions here are test-only (picklable, top
level) so no hook lives in production code."""

from __future__ import annotations

import os
import signal
import time

import pytest

from layoutkit.batch.runner import LocalPool, describe_exit
from layoutkit.batch.task import BatchTask, base_result, worker_info
from layoutkit.options import ConvertOptions


def _task(i: int, name: str, pages: int = 1) -> BatchTask:
    return BatchTask(i, f"/nonexistent/{name}", name, "/tmp", ("txt",), ConvertOptions(), pages)


def misbehaving_task(task: BatchTask) -> dict:
    """ok unless the name says otherwise: crash (os._exit), kill (SIGKILL
    itself), hang (sleep past any limit), raise (an exception)."""
    name = task.stem
    if name.startswith("crash"):
        os._exit(3)
    if name.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("hang"):
        time.sleep(60)
    if name.startswith("raise"):
        raise RuntimeError("boom")
    res = base_result(task)
    res.update(status="ok", worker=worker_info(),
               env={k: os.environ.get(k) for k in ("OMP_THREAD_LIMIT", "OPENCV_FOR_THREADS_NUM")})
    return res


def test_pool_survives_crash_kill_hang_and_exception() -> None:
    env_before = os.environ.get("OPENCV_FOR_THREADS_NUM")
    names = ["ok0", "crash1", "ok2", "kill3", "hang4", "raise5", "ok6", "ok7"]
    pool = LocalPool(misbehaving_task, jobs=2, page_timeout=1.0, max_pages=0)
    t0 = time.monotonic()
    results = {r["stem"]: r for r in pool.run([_task(i, n) for i, n in enumerate(names)])}
    elapsed = time.monotonic() - t0
    assert set(results) == set(names)  # every task reported exactly once
    for n in ("ok0", "ok2", "ok6", "ok7"):
        assert results[n]["status"] == "ok", results[n]
        assert results[n]["env"]["OMP_THREAD_LIMIT"] == "1"
    assert results["crash1"]["error_kind"] == "crash"
    assert "exited with code 3" in results["crash1"]["error"]
    assert results["kill3"]["error_kind"] == "crash"
    assert "SIGKILL" in results["kill3"]["error"]
    assert results["hang4"]["error_kind"] == "timeout"
    assert "--page-timeout" in results["hang4"]["error"]
    assert results["raise5"]["status"] == "failed" and "boom" in results["raise5"]["error"]
    assert elapsed < 30  # the hung task was stopped, not waited for (it sleeps 60 s)
    # the parent environment is left as it was
    assert os.environ.get("OPENCV_FOR_THREADS_NUM") == env_before


def test_time_limit_scales_with_pages() -> None:
    # 2 pages x 0.7 s: a task sleeping 1 s passes, one page at 0.7 s does not
    pool = LocalPool(sleepy_task, jobs=2, page_timeout=0.7, max_pages=0)
    res = list(pool.run([_task(0, "two", pages=2), _task(1, "one", pages=1)]))
    by = {r["stem"]: r for r in res}
    assert by["two"]["status"] == "ok"
    assert by["one"]["error_kind"] == "timeout"


def sleepy_task(task: BatchTask) -> dict:
    time.sleep(1.0)
    res = base_result(task)
    res["status"] = "ok"
    return res


def test_workers_are_recycled_after_max_pages() -> None:
    pool = LocalPool(misbehaving_task, jobs=1, page_timeout=0, max_pages=2)
    res = list(pool.run([_task(i, f"ok{i}") for i in range(6)]))
    pids = [r["worker"]["pid"] for r in sorted(res, key=lambda r: r["index"])]
    assert all(r["status"] == "ok" for r in res)
    # 2 pages per worker: tasks (0,1), (2,3), (4,5) each on its own process
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4] == pids[5]
    assert pool.workers_started == 3


def test_describe_exit() -> None:
    assert "SIGKILL" in describe_exit(-9) and "out-of-memory" in describe_exit(-9)
    assert "code 2" in describe_exit(2)


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LocalPool(misbehaving_task, jobs=0)


def pid_then_hang(task: BatchTask) -> dict:
    """Test-only task: say which process runs it, then hang."""
    tmp = os.path.join(task.outdir, "worker.pid")
    with open(tmp + ".tmp", "w") as fh:
        fh.write(str(os.getpid()))
    os.replace(tmp + ".tmp", tmp)
    time.sleep(60)
    return base_result(task)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs Linux /proc")
def test_workers_die_with_a_killed_batch_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    script = (
        "import sys; from layoutkit.batch.runner import LocalPool; from layoutkit.batch.task import BatchTask;"
        "from layoutkit.options import ConvertOptions; from test_batch_runner import pid_then_hang;"
        f"t = BatchTask(0, 'x', 'x', {str(tmp_path)!r}, ('txt',), ConvertOptions());"
        "list(LocalPool(pid_then_hang, 1, max_pages=0).run([t]))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parent / "src"), str(here)])}
    parent = subprocess.Popen([sys.executable, "-c", script], env=env)
    pid_file = tmp_path / "worker.pid"
    deadline = time.monotonic() + 30
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    assert not _gone(worker)
    parent.kill()  # SIGKILL the batch process only, not its group
    parent.wait()
    deadline = time.monotonic() + 10
    while not _gone(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(worker)
