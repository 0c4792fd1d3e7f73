"""The same batch on a Dask LocalCluster (two worker processes) and on the
local pool gives the same outputs; resume works across the two."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layoutkit.batch.core import BatchConfig, run_batch
from layoutkit.options import ConvertOptions
from test_batch_cli import last_run, outputs
from test_batch_helpers import make_bad_files, make_good_pages

pytestmark = pytest.mark.tesseract


def test_dask_cluster_outputs_equal_local_run(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    make_good_pages(tmp_path / "in", n=3, tiff=True)
    bad = make_bad_files(tmp_path / "in")
    opts = ConvertOptions(languages="eng")
    common = dict(inputs=(str(tmp_path / "in"), str(bad["unsupported"])), formats=("txt", "json"), options=opts)
    local = run_batch(BatchConfig(outdir=str(tmp_path / "local"), jobs=2, **common))  # type: ignore[arg-type]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        dsk = run_batch(BatchConfig(outdir=str(tmp_path / "dask"), scheduler=cluster.scheduler_address,
                                    **common))  # type: ignore[arg-type]
        files, _ = last_run(tmp_path / "dask")
        # work really went to the cluster's worker processes
        with distributed.Client(cluster.scheduler_address) as client:
            worker_pids = set(client.run(os.getpid).values())
        assert len(worker_pids) == 2
        assert {f["worker"]["pid"] for f in files if f.get("worker")} <= worker_pids
        # resume on the cluster skips everything that is done
        again = run_batch(BatchConfig(outdir=str(tmp_path / "dask"), scheduler=cluster.scheduler_address,
                                      resume=True, **common))  # type: ignore[arg-type]
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")
    assert len(outputs(tmp_path / "local")) == 2 * 4
    for key in ("files_ok", "files_failed", "pages_done", "pages_failed"):
        assert dsk[key] == local[key], key
    assert local["files_failed"] == len(bad)
    assert again["files_skipped"] == 4 and again["files_ok"] == 0 and again["files_failed"] == len(bad)
