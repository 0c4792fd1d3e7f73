"""``layoutkit batch`` end to end with the real pipeline and Tesseract:
bad inputs, SIGKILL then --resume, resume of changed inputs, worker crash,
page time limit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from layoutkit.batch.core import BatchConfig, run_batch
from layoutkit.batch.manifest import MANIFEST_NAME, read_records
from layoutkit.batch.task import BatchTask, convert_one
from layoutkit.options import ConvertOptions
from test_batch_helpers import make_bad_files, make_good_pages, render_page

pytestmark = pytest.mark.tesseract

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_cli(*args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "layoutkit", "batch", "--lang", "eng", "--log", "plain", *args],
                          capture_output=True, text=True, env=env, timeout=240, **kw)


def last_run(outdir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The file records and summary of the last run in the manifest."""
    recs = list(read_records(outdir))
    run_id = [r for r in recs if r["type"] == "run"][-1]["run_id"]
    files = [r for r in recs if r["type"] == "file" and r["run_id"] == run_id]
    summary = [r for r in recs if r["type"] == "summary" and r["run_id"] == run_id][-1]
    return files, summary


def outputs(outdir: Path) -> dict[str, bytes]:
    """Every output file under ``outdir`` (relative path -> bytes); JSON
    outputs without their per-page timings, which differ run to run."""
    res = {}
    for p in sorted(outdir.rglob("*")):
        if not p.is_file() or p.name in (MANIFEST_NAME, ".layoutkit-batch.lock"):
            continue
        data = p.read_bytes()
        if p.suffix == ".json":
            doc = json.loads(data)
            for page in doc.get("pages", []):
                page.pop("timings", None)
            data = json.dumps(doc, sort_keys=True).encode()
        res[p.relative_to(outdir).as_posix()] = data
    return res


def test_bad_inputs_are_recorded_and_the_rest_converted(tmp_path: Path) -> None:
    good = make_good_pages(tmp_path / "in", n=2, tiff=True, pdf=True)
    bad = make_bad_files(tmp_path / "in")
    out = tmp_path / "out"
    # a folder walk skips notes.docx (not a page file), so name it explicitly too
    r = run_cli(str(tmp_path / "in"), str(bad["unsupported"]), str(tmp_path / "missing.png"), "-o", str(out), "-j", "2")
    assert r.returncode == 1, r.stderr
    files, summary = last_run(out)
    by_name = {Path(f["path"]).name: f for f in files}
    for p in bad.values():
        rec = by_name[p.name]
        assert rec["status"] == "failed" and rec["error_kind"] == "BadInput", rec
        assert p.name in rec["error"] and "\n" not in rec["error"]
    assert "empty" in by_name["empty.jpg"]["error"]
    assert "unsupported" in by_name["notes.docx"]["error"]
    assert by_name["missing.png"]["error_kind"] == "InputNotFound"
    for p in good:
        rec = by_name[p.name]
        assert rec["status"] == "ok", rec
        assert len(rec["sha256"]) == 64 and rec["size"] == p.stat().st_size
        assert rec["engine"].startswith("tesseract")
        assert rec["worker"]["peak_rss_mb"] > 10
        for o in rec["outputs"]:
            assert (out / o["path"]).stat().st_size == o["bytes"]
    assert by_name["two.tif"]["pages"] == 2 and len(by_name["two.tif"]["page_status"]) == 2
    assert (out / "sub" / "page01.txt").exists() and (out / "page00.json").exists()
    assert "Dock" in (out / "page00.txt").read_text() or "workers" in (out / "page00.txt").read_text()
    assert summary["files_ok"] == len(good) and summary["files_failed"] == len(bad) + 1
    assert summary["pages_done"] == len(good) + 1  # the TIFF has two pages
    assert "FAILED" in r.stderr and "batch:" in r.stderr.splitlines()[-1]


def test_sigkill_then_resume_gives_identical_outputs(tmp_path: Path) -> None:
    make_good_pages(tmp_path / "in", n=5, tiff=True)
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert run_cli(str(tmp_path / "in"), "-o", str(ref), "-j", "2").returncode == 0
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.Popen(
        [sys.executable, "-m", "layoutkit", "batch", "--lang", "eng", "--log", "plain", str(tmp_path / "in"),
         "-o", str(out), "-j", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if any(out.rglob("*.txt")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, at once
    proc.wait()
    killed = outputs(out)
    assert 0 < len(killed) < len(outputs(ref))
    r = run_cli(str(tmp_path / "in"), "-o", str(out), "-j", "2", "--resume")
    assert r.returncode == 0, r.stderr
    assert outputs(out) == outputs(ref)
    assert not list(out.rglob("*.part"))
    files, summary = last_run(out)
    assert summary["files_ok"] + summary["files_skipped"] == 6 and summary["files_failed"] == 0


def test_resume_skips_unchanged_and_redoes_changed(tmp_path: Path) -> None:
    pages = make_good_pages(tmp_path / "in", n=3, tiff=False)
    out = tmp_path / "out"
    assert run_cli(str(tmp_path / "in"), "-o", str(out), "-j", "2").returncode == 0
    changed, lost, same = pages
    render_page(["Late news", "A different story", "replaced this page."]).save(changed, dpi=(300, 300))
    (out / "sub" / f"{lost.stem}.txt").unlink()
    before = (out / f"{changed.stem}.txt").read_bytes()
    r = run_cli(str(tmp_path / "in"), "-o", str(out), "-j", "2", "--resume")
    assert r.returncode == 0, r.stderr
    files, summary = last_run(out)
    status = {Path(f["path"]).name: f["status"] for f in files}
    assert status == {changed.name: "ok", lost.name: "ok", same.name: "skipped"}
    assert (out / "sub" / f"{lost.stem}.txt").exists()
    assert (out / f"{changed.stem}.txt").read_bytes() != before


def crash_on_marked_files(task: BatchTask) -> dict[str, Any]:
    """Test-only task: a worker dies on inputs named *crash*; the others are
    converted for real."""
    if "crash" in Path(task.path).name:
        os._exit(9)
    return convert_one(task)


def test_worker_crash_is_recorded_and_the_rest_continues(tmp_path: Path) -> None:
    good = make_good_pages(tmp_path / "in", n=2, tiff=False)
    render_page(["Crash me"]).save(tmp_path / "in" / "crash.png")
    config = BatchConfig(inputs=(str(tmp_path / "in"),), outdir=str(tmp_path / "out"), formats=("txt",), jobs=2,
                         options=ConvertOptions(languages="eng"), task_fn=crash_on_marked_files)
    summary = run_batch(config)
    assert summary["files_ok"] == 2 and summary["files_failed"] == 1
    files, _ = last_run(tmp_path / "out")
    crash = next(f for f in files if f["path"].endswith("crash.png"))
    assert crash["error_kind"] == "crash" and "code 9" in crash["error"]
    assert crash["sha256"]  # which version of the input failed
    for p in good:
        assert (tmp_path / "out" / ("sub" if "01" in p.name else "") / f"{p.stem}.txt").exists()


def test_page_timeout_stops_the_worker(tmp_path: Path) -> None:
    make_good_pages(tmp_path / "in", n=1, tiff=False)
    r = run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-j", "1", "--page-timeout", "0.05")
    assert r.returncode == 1
    files, summary = last_run(tmp_path / "out")
    assert files[0]["error_kind"] == "timeout" and summary["files_failed"] == 1
    assert not list((tmp_path / "out").rglob("*.txt"))


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    make_good_pages(tmp_path / "in", n=1, tiff=False)
    assert run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--format", "nope").returncode == 2
    assert run_cli(str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--jobs", "0").returncode == 2
    assert run_cli(str(tmp_path / "nothing*.png"), "-o", str(tmp_path / "o")).returncode == 2
