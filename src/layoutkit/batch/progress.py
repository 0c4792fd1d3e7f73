"""Progress reporters for a batch; all write to stderr.

- :class:`RichReporter`: a live bar with pages done of total, pages per
  minute and time left, a line for every failure, the summary at the end.
- :class:`PlainReporter`: one line per file (for cron and log files), then
  the summary line.
- :class:`QuietReporter`: only the summary when something failed.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any


def summary_line(s: dict[str, Any]) -> str:
    """One line: files ok/failed/skipped, pages, time and rate."""
    line = (
        f"batch: {s['files_ok']} ok, {s['files_failed']} failed, {s['files_skipped']} skipped"
        f" ({s['pages_done']} pages converted, {s['pages_failed']} failed, {s['pages_skipped']} skipped)"
        f" in {s['seconds']:.1f} s, {s['pages_per_minute']:.1f} pages/min"
    )
    if s.get("files_ignored"):
        line += f"; {s['files_ignored']} non-page files ignored"
    if s.get("interrupted"):
        line += "; INTERRUPTED (run again with --resume)"
    return line + f"; manifest {s['manifest']}"


def _file_line(rec: dict[str, Any]) -> str:
    status = rec.get("status", "failed")
    if status == "failed":
        err = str(rec.get("error") or rec.get("error_kind") or "failed")
        path = str(rec.get("path"))
        return "FAILED " + (err if err.startswith(path) else f"{path}: {err}")
    pages = rec.get("pages", 0)
    if status == "skipped":
        return f"skipped {rec.get('path')} ({pages} pages, unchanged)"
    statuses = rec.get("page_status") or []
    empty = sum(1 for p in statuses if p == "empty")
    bad = sum(1 for p in statuses if p == "failed")
    extra = (f", {empty} empty" if empty else "") + (f", {bad} pages failed" if bad else "")
    return f"ok {rec.get('path')} ({pages} pages{extra}, {float(rec.get('seconds') or 0):.1f} s)"


class PlainReporter:
    """One timestamped line per file on ``stream`` (stderr by default)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total_pages = 0
        self.done_pages = 0

    def _emit(self, text: str) -> None:
        self.stream.write(time.strftime("%Y-%m-%d %H:%M:%S ") + text + "\n")
        self.stream.flush()

    def start(self, files: int, pages: int, skipped_files: int, skipped_pages: int) -> None:
        self.total_pages = pages
        self._emit(f"batch: {files} files, {pages} pages ({skipped_files} files unchanged, skipped)")

    def file_done(self, record: dict[str, Any]) -> None:
        self.done_pages += int(record.get("pages") or 0)
        self._emit(f"[{self.done_pages}/{self.total_pages}] {_file_line(record)}")

    def finish(self, summary: dict[str, Any]) -> None:
        self._emit(summary_line(summary))


class QuietReporter:
    """Silent unless a file failed; then the summary line."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream or sys.stderr

    def start(self, files: int, pages: int, skipped_files: int, skipped_pages: int) -> None:
        pass

    def file_done(self, record: dict[str, Any]) -> None:
        pass

    def finish(self, summary: dict[str, Any]) -> None:
        if summary.get("files_failed") or summary.get("interrupted"):
            self.stream.write(summary_line(summary) + "\n")


class RichReporter:
    """A rich progress bar on stderr: pages done/total, pages per minute, ETA."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(stderr=True)
        self.progress: Any = None
        self.task_id: Any = None

    def start(self, files: int, pages: int, skipped_files: int, skipped_pages: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class PagesPerMinute(ProgressColumn):
            def render(self, task: Any) -> Text:
                speed = task.finished_speed or task.speed
                return Text(f"{speed * 60:.1f} pages/min" if speed else "-- pages/min")

        self.progress = Progress(
            TextColumn("[bold]pages"), BarColumn(), MofNCompleteColumn(), PagesPerMinute(),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=self.console, transient=False,
        )
        self.progress.start()
        self.task_id = self.progress.add_task("pages", total=max(pages - skipped_pages, 0))
        if skipped_files:
            self.console.print(f"batch: {skipped_files} unchanged files ({skipped_pages} pages) skipped")

    def file_done(self, record: dict[str, Any]) -> None:
        if record.get("status") == "skipped" or self.progress is None:
            return
        if record.get("status") == "failed":
            from rich.text import Text

            self.console.print(Text.assemble(("FAILED", "bold red"), _file_line(record)[len("FAILED"):]),
                               highlight=False)
        self.progress.advance(self.task_id, int(record.get("pages") or 0))

    def finish(self, summary: dict[str, Any]) -> None:
        if self.progress is not None:
            self.progress.stop()
        self.console.print(summary_line(summary), highlight=False, markup=False)
