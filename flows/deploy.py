"""The scheduled deployment: ``ingest_folder`` over an inbox on a cron or interval schedule.

``lvingest serve`` connects to the server at ``PREFECT_API_URL`` or starts one (``flows.server``:
with the scheduler that creates the scheduled runs, and the UI), then serves the deployment
in-process (``Flow.serve``): the process polls the API for due runs and executes them, each with
the task runner chosen here (``--runner dask`` sends the documents to a Dask cluster). Several
machines can each run ``lvingest serve`` against one server (see README, "Running many workers").
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.deployments.runner import RunnerDeployment

from .ingest import set_ocr_limit, with_runner
from .server import prefect_api, ui_url


def _options(inbox: Path, out: Path, name: str, cron: str | None, interval: float | None,
             fail_on_quarantine: bool) -> dict[str, Any]:
    """What the deployment is, shared by ``build_deployment`` and ``serve``."""
    parameters: dict[str, Any] = {"inbox": str(inbox.resolve()), "out": str(out.resolve())}
    if fail_on_quarantine:
        parameters["fail_on_quarantine"] = True
    return {"name": name, "cron": cron, "interval": interval, "parameters": parameters,
            "description": f"Ingest PDFs from {inbox} into {out}", "tags": ["lvingest"]}


def build_deployment(
    inbox: Path, out: Path, cron: str | None = None, name: str = "lvingest-inbox",
    runner: str = "thread", dask_address: str | None = None, workers: int = 2,
    interval: float | None = None, fail_on_quarantine: bool = False,
) -> RunnerDeployment:
    """One deployment per inbox; a run never overlaps the previous one (concurrency limit 1)."""
    flow = with_runner(runner, dask_address, workers)
    return flow.to_deployment(**_options(inbox, out, name, cron, interval, fail_on_quarantine),
                              concurrency_limit=1)


def serve(inbox: Path, out: Path, cron: str | None, name: str = "lvingest-inbox",
          ocr_limit: int | None = None, interval: float | None = None,
          fail_on_quarantine: bool = False, port: int = 4200, runner: str = "thread",
          dask_address: str | None = None, workers: int = 2) -> None:
    """Serve the deployment until interrupted, on a server at ``PREFECT_API_URL`` or one
    started on 127.0.0.1:``port``."""
    inbox.mkdir(parents=True, exist_ok=True)
    with prefect_api(port) as api:
        print(f"Prefect UI: {ui_url(api)} (API {api}); deployment ingest_folder/{name}",
              flush=True)
        if ocr_limit is not None:
            set_ocr_limit(ocr_limit)
        flow = with_runner(runner, dask_address, workers)
        flow.serve(**_options(inbox, out, name, cron, interval, fail_on_quarantine), global_limit=1)
