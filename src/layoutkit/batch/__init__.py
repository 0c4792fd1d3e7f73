"""Batch conversion: many files, many workers, a manifest, resume.

``run_batch(BatchConfig(...))`` (in :mod:`.core`) is the entry point; the
``layoutkit batch`` command is a thin layer over it.  Modules:
:mod:`.discover` (inputs and output paths), :mod:`.manifest` (JSON-lines
record), :mod:`.task` (the per-file work), :mod:`.runner` (local worker
processes with time limits), :mod:`.cluster` (Dask distributed),
:mod:`.progress` (stderr reporters).

Nothing is imported here: worker processes import :mod:`.runner` and must
set their thread limits before numpy or an OCR library loads.
"""
