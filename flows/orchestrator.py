"""The command line's Prefect side, registered as the entry point ``lvingest.orchestrator``.

``pipeline.cli`` finds this module through that entry point instead of importing ``flows``, so
the library never depends on its wrapper. Prefect is imported on first call, not here: the
command line sets its environment (no analytics) before Prefect loads.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


def run_flow(paths: list[Path], out: Path, runner: str, address: str | None = None,
             workers: int = 2, ocr_limit: int | None = None, **params: Any) -> list[dict[str, Any]]:
    """``ingest_folder`` once over ``paths`` (``lvingest ingest --runner thread|dask``)."""
    from .ingest import run_flow

    return run_flow(paths, out, runner, address, workers, ocr_limit, **params)


def serve(**kwargs: Any) -> None:
    """The scheduled deployment (``lvingest serve``)."""
    from .deploy import serve

    serve(**kwargs)
