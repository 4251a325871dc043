"""Prefect flow ``ingest_folder``: one task run per document, the library does the work.

The task is a thin wrapper over ``pipeline.ingest.ingest_file`` so the CLI and the flow give the
same outputs. There is no Prefect result cache: the library's own skip (a file this pipeline
version already ingested is not read again, keyed by its bytes) is the one source of truth, so a
file under a new name, a deleted output or ``--retry-failed`` behave as they do in the CLI. The
documents go through the flow's task runner with ``.map``; ``with_runner`` gives the flow with a
Dask one.
"""
from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.errors import LvIngestError
from pipeline.ingest import Outcome, find_inputs, ingest_file
from pipeline.options import Config, from_args, options_dict
from pipeline.records import printable_row
from pipeline.textnorm import printable

OCR_TAG = "lvingest-ocr"
STARTUP_TIMEOUT = 120  # seconds to wait for Prefect's temporary server to come up


def is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry I/O hiccups and timeouts, not bad inputs or a missing tesseract."""
    try:
        state.result()
    except LvIngestError:
        return False
    except (OSError, TimeoutError):
        return True
    except Exception:
        return False
    return False


def _task_run_name() -> str:
    from prefect.runtime import task_run

    return f"ingest {printable(task_run.parameters['path'])}"


@task(
    name="ingest-document",
    task_run_name=_task_run_name,
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=is_transient,
    cache_policy=NO_CACHE,
    persist_result=False,
    tags=[OCR_TAG],
)
def ingest_document(path: str, out: str, config: dict[str, Any], force: bool = False,
                    retry_failed: bool = False, doc_timeout: float | None = None) -> dict[str, Any]:
    outcome = ingest_file(Path(path), Path(out), from_args(config), force=force,
                          retry_failed=retry_failed, doc_timeout=doc_timeout)
    return outcome_row(outcome)


def outcome_row(outcome: Outcome) -> dict[str, Any]:
    return {
        "file": outcome.path.name,
        "path": str(outcome.path),
        "doc_id": outcome.doc_id,
        "status": outcome.status,
        "cached": outcome.cached,
        "pages": outcome.counts.get("pages", 0),
        "ocr_pages": outcome.n_ocr_pages,
        "tables": outcome.counts.get("tables", 0),
        "dates": outcome.counts.get("dates", 0),
        "targets": outcome.counts.get("targets", 0),
        "municipalities": outcome.counts.get("municipalities", 0),
        "error": outcome.error or "",
    }


def _bad(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["status"] in ("failed", "partial")]


def report(rows: list[dict[str, Any]]) -> str:
    """Markdown summary of a run, also published as a Prefect artifact."""
    failed = _bad(rows)
    lines = [
        "# lvingest run",
        "",
        f"- documents: {len(rows)} ({sum(r['cached'] for r in rows)} unchanged, not read again)",
        f"- pages: {sum(r['pages'] for r in rows)} ({sum(r['ocr_pages'] for r in rows)} OCR)",
        f"- tables: {sum(r['tables'] for r in rows)}, dates: {sum(r['dates'] for r in rows)}, "
        f"targets: {sum(r['targets'] for r in rows)}, municipalities: "
        f"{sum(r['municipalities'] for r in rows)}",
        f"- quarantined or partial: {len(failed)}",
    ]
    lines += [f"  - `{r['file']}`: {r['status']}: {r['error']}" for r in failed]
    return "\n".join(lines)


# prefect types the flow decorator's task_runner as TaskRunner[PrefectFuture]; TaskRunner is invariant
@flow(name="ingest_folder", task_runner=ThreadPoolTaskRunner(max_workers=2))  # type: ignore[arg-type]
def ingest_folder(
    inbox: str | list[str] = "inbox",
    out: str = "outputs",
    dpi: int = 300,
    ocr_lang: str = "lav",
    page_jobs: int = 1,
    ocr_timeout: float = 300.0,
    force: bool = False,
    force_ocr: bool = False,
    retry_failed: bool = False,
    doc_timeout: float | None = None,
    fail_on_quarantine: bool = False,
    html_report: bool = True,
) -> list[dict[str, Any]] | State:
    """Ingest every PDF below ``inbox`` into ``out``; one summary row per document.

    A run in which a document was quarantined or read only in part does not end as a plain
    success: it is ``Completed`` with a message saying how many (``Failed`` with
    ``fail_on_quarantine``), and the summary artifact lists them.
    """
    logger = get_run_logger()
    # checked here, once, so a bad parameter fails the run before any task starts
    config = options_dict(Config(dpi=dpi, ocr_lang=ocr_lang, jobs=page_jobs, ocr_timeout=ocr_timeout,
                                 force_ocr=force_ocr))
    found = find_inputs([Path(p) for p in ([inbox] if isinstance(inbox, str) else inbox)],
                        exclude=Path(out))
    missing = [str(p) for p in found.missing]
    for path in missing:  # a deployment whose inbox went away must not look like a quiet one
        logger.warning("%s: no such file or folder", path)
    files = found.files
    if not files:  # an empty inbox is the normal state between deliveries
        logger.info("nothing to ingest in %s", inbox)
        return _final([], [], missing, fail_on_quarantine)
    logger.info("ingesting %d PDF files from %s into %s", len(files), inbox, out)
    futures = ingest_document.map([str(f) for f in files], out=unmapped(out),
                                  config=unmapped(config), force=unmapped(force),
                                  retry_failed=unmapped(retry_failed),
                                  doc_timeout=unmapped(doc_timeout))
    rows = futures.result()
    # the API stores JSON, which file names that are not UTF-8 cannot go into as they are
    shown = [printable_row(row) for row in rows]
    create_table_artifact(key="lvingest-documents", table=shown, description="Documents in this run")
    create_markdown_artifact(key="lvingest-summary", markdown=report(shown), description="Run summary")
    if html_report:
        publish_report(Path(out))
    bad = _bad(shown)
    for row in bad:
        logger.warning("%s: %s: %s", row["file"], row["status"], row["error"])
    return _final(rows, bad, missing, fail_on_quarantine)


def _final(rows: list[dict[str, Any]], bad: list[dict[str, Any]], missing: list[str],
           fail_on_quarantine: bool) -> list[dict[str, Any]] | State:
    """The rows, or a state whose message says what went wrong, so alerting on runs sees it."""
    problems = [f"{len(bad)} of {len(rows)} documents quarantined or partial (see "
                "lvingest-summary)"] if bad else []
    problems += [f"not found: {', '.join(missing)}"] if missing else []
    if not problems:
        return rows
    failed = fail_on_quarantine and bool(bad)
    return (Failed if failed else Completed)(message="; ".join(problems), data=rows)


def with_runner(runner: str, address: str | None = None, workers: int = 2) -> Any:
    """``ingest_folder`` with the task runner ``task_runner`` gives."""
    return ingest_folder.with_options(task_runner=task_runner(runner, address, workers))


def publish_report(out: Path) -> None:
    """Write the HTML report and link it as an artifact; a report that fails is only logged."""
    from pipeline.report import write_report

    try:
        index = write_report(out)
    except Exception as exc:  # the run's outputs are written; the report must not fail the run
        get_run_logger().warning("report not written: %s", exc)
        return
    create_link_artifact(key="lvingest-report", link=index.resolve().as_uri(), link_text="lvingest report",
                         description=f"HTML review report of {out} (open it on the machine that ran the flow)")


def task_runner(runner: str, address: str | None = None, workers: int = 2) -> Any:
    """``thread`` (default: documents in threads of this process) or ``dask``.

    For dask, ``address`` names a running scheduler (``tcp://host:8786``); without it a
    LocalCluster of ``workers`` single-threaded worker processes is started for the run.
    """
    if runner == "thread":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True}
        )
    raise ValueError(f"unknown runner {runner!r} (thread or dask)")


@contextlib.contextmanager
def patient_startup() -> Iterator[None]:
    """Wait up to ``STARTUP_TIMEOUT`` for Prefect's temporary server (when there is no API).

    Its first start on a new machine creates and migrates Prefect's database, which takes longer
    than the 20 s Prefect waits by default; a run would fail before it began.
    """
    from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS as TIMEOUT
    from prefect.settings import temporary_settings

    with temporary_settings(updates={TIMEOUT: max(TIMEOUT.value(), STARTUP_TIMEOUT)}):
        yield


@contextlib.contextmanager
def shared_api() -> Iterator[None]:
    """One Prefect API for the flow and all its Dask workers.

    Worker processes see only the environment they inherit, not this process's settings: with
    no ``PREFECT_API_URL`` there each would start its own temporary server, paying seconds for
    it and recording its task runs apart from the flow's. So export the API this process uses,
    starting Prefect's temporary server first if there is none (it stops when the process exits).
    """
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    if not url:
        server = SubprocessASGIServer()
        with patient_startup():
            server.start()
        url = server.api_url
    saved = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield
    finally:
        if saved is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = saved


def set_ocr_limit(limit: int) -> None:
    """Cap documents in work at once across every worker on this Prefect server (tag limit).

    The limit lives on the server, so it holds for all runs and workers until changed; it is
    the same as ``prefect concurrency-limit create lvingest-ocr N``.
    """
    from prefect import get_client

    if limit < 1:
        raise ValueError(f"OCR concurrency limit must be at least 1, not {limit}")
    with get_client(sync_client=True) as client:
        client.create_concurrency_limit(tag=OCR_TAG, concurrency_limit=limit)


def run_flow(paths: list[Path], out: Path, runner: str, address: str | None = None,
             workers: int = 2, ocr_limit: int | None = None, **params: Any) -> list[dict[str, Any]]:
    """Run ``ingest_folder`` once over ``paths`` (used by ``lvingest ingest --runner``)."""
    with patient_startup(), shared_api() if runner == "dask" else contextlib.nullcontext():
        if ocr_limit is not None:
            set_ocr_limit(ocr_limit)
        return with_runner(runner, address, workers)(inbox=[str(p) for p in paths], out=str(out),
                                                     **params)
