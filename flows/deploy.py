"""The scheduled deployment: ``ingest_folder`` over an inbox on a cron schedule.

``lvingest serve`` runs it in-process (``flow.serve``): the process polls the Prefect API for
scheduled runs and executes them. Point ``PREFECT_API_URL`` at a shared server to see the runs
there; with ``--runner dask`` each run sends its documents to a Dask cluster, and several
machines can each run ``lvingest serve`` against one server (see README, "Running many workers").
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.deployments.runner import RunnerDeployment

from .ingest import ingest_folder, patient_startup, set_ocr_limit


def build_deployment(
    inbox: Path, out: Path, cron: str, name: str = "lvingest-inbox", runner: str = "thread",
    dask_address: str | None = None, workers: int = 2,
) -> RunnerDeployment:
    """One deployment per inbox; a run never overlaps the previous one (concurrency limit 1).

    The task runner settings are parameters of the deployment, so a run started from the UI can
    override them (send one large delivery to the Dask cluster, say).
    """
    parameters = {"inbox": str(inbox.resolve()), "out": str(out.resolve()), "runner": runner,
                  "workers": workers}
    if dask_address:
        parameters["dask_address"] = dask_address
    return ingest_folder.to_deployment(
        name=name,
        cron=cron,
        parameters=parameters,
        concurrency_limit=1,
        description=f"Ingest PDFs from {inbox} into {out}",
        tags=["lvingest"],
    )


def serve(inbox: Path, out: Path, cron: str, name: str = "lvingest-inbox",
          ocr_limit: int | None = None, **runner: Any) -> None:
    """Serve the deployment until interrupted; ``runner``: see ``build_deployment``."""
    from prefect import serve as prefect_serve

    inbox.mkdir(parents=True, exist_ok=True)
    with patient_startup():
        if ocr_limit is not None:
            set_ocr_limit(ocr_limit)
        prefect_serve(build_deployment(inbox, out, cron, name, **runner))
