"""The scheduled deployment: ``ingest_folder`` over an inbox on a cron schedule.

``lvingest serve`` runs it in-process (``flow.serve``): the process polls the Prefect API for
scheduled runs and executes them. Point ``PREFECT_API_URL`` at a shared server to see the runs
there; several machines can each run ``lvingest serve`` against one server (see README,
"Running many workers").
"""
from __future__ import annotations

from pathlib import Path

from prefect.deployments.runner import RunnerDeployment

from .ingest import ingest_folder, set_ocr_limit


def build_deployment(
    inbox: Path, out: Path, cron: str, name: str = "lvingest-inbox"
) -> RunnerDeployment:
    """One deployment per inbox; a run never overlaps the previous one (concurrency limit 1)."""
    return ingest_folder.to_deployment(
        name=name,
        cron=cron,
        parameters={"inbox": str(inbox.resolve()), "out": str(out.resolve())},
        concurrency_limit=1,
        description=f"Ingest PDFs from {inbox} into {out}",
        tags=["lvingest"],
    )


def serve(inbox: Path, out: Path, cron: str, name: str = "lvingest-inbox",
          ocr_limit: int | None = None) -> None:
    from prefect import serve as prefect_serve

    inbox.mkdir(parents=True, exist_ok=True)
    if ocr_limit is not None:
        set_ocr_limit(ocr_limit)
    prefect_serve(build_deployment(inbox, out, cron, name))
