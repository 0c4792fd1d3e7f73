"""Exception types, each with the process exit code the CLI uses.

Exit codes (documented in the README):
  0 ok; 1 QA threshold not met (eval) / some batch inputs failed;
  2 usage error; 3 input file missing/unreadable; 4 bad input (unknown type,
  empty, corrupt, truncated, too large, encrypted); 5 OCR engine or language
  data missing; 6 processing failed (timeout, engine error); 7 output could
  not be written.
"""

from __future__ import annotations


class LayoutkitError(Exception):
    """Base class; ``str(err)`` is a one-line message for the user."""

    exit_code = 6


class UsageError(LayoutkitError):
    exit_code = 2


class InputNotFound(LayoutkitError):
    exit_code = 3


class BadInput(LayoutkitError):
    exit_code = 4


class EngineMissing(LayoutkitError):
    exit_code = 5


class ProcessingError(LayoutkitError):
    exit_code = 6


class PageTimeout(ProcessingError):
    exit_code = 6


class OutputError(LayoutkitError):
    exit_code = 7
