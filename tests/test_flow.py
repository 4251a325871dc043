"""The Prefect flow: same outputs as the CLI, cached re-runs, artifacts, Dask scale-out."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import discover, ingest_file
from pipeline.records import DATASETS

pytestmark = [pytest.mark.prefect, pytest.mark.usefixtures("prefect_server")]

FILES = ("stop47_list.pdf", "notice_ocr_eng.pdf")


@pytest.fixture
def inbox(fixture_pdf: Path, broken_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in FILES:
        shutil.copy(fixture_pdf / name, folder / name)
    shutil.copy(broken_dir / "truncated.pdf", folder / "truncated.pdf")
    return folder


def api_post(path: str, body: dict, api: str | None = None) -> list[dict]:
    """Ask the test server directly: prefect 3.8.8's sync client sends nulls its server rejects."""
    import httpx
    from prefect.settings import PREFECT_API_URL

    body = {"limit": 50, "offset": 0, **body}
    response = httpx.post((api or PREFECT_API_URL.value()) + path, json=body, timeout=30)
    response.raise_for_status()
    return response.json()


def snapshot(out: Path) -> dict[str, pd.DataFrame]:
    """Every dataset, without the columns that differ between runs by design."""
    frames = {}
    for name in DATASETS:
        frame = pd.read_parquet(out / name).drop(columns=["ingested_at"], errors="ignore")
        frames[name] = frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
    return frames


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in DATASETS:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def library_run(inbox: Path, out: Path) -> dict[str, pd.DataFrame]:
    for path in discover([inbox]):
        ingest_file(path, out)
    return snapshot(out)


def test_flow_matches_library_and_reports(inbox: Path, tmp_path: Path) -> None:
    from flows.ingest import ingest_folder

    rows = ingest_folder(inbox=str(inbox), out=str(tmp_path / "flow"))
    assert sorted((r["file"], r["status"]) for r in rows) == [
        ("notice_ocr_eng.pdf", "ok"), ("stop47_list.pdf", "ok"), ("truncated.pdf", "failed")]
    assert_same(snapshot(tmp_path / "flow"), library_run(inbox, tmp_path / "lib"))
    [summary] = api_post("/artifacts/filter", {"artifacts": {"key": {"any_": ["lvingest-summary"]}}})
    assert "quarantined or partial: 1" in summary["data"]
    [table] = api_post("/artifacts/filter", {"artifacts": {"key": {"any_": ["lvingest-documents"]}}})
    assert "stop47_list.pdf" in str(table["data"])


def test_rerun_is_cached_and_changes_nothing(inbox: Path, tmp_path: Path) -> None:
    from flows.ingest import ingest_folder

    out = tmp_path / "out"
    ingest_folder(inbox=str(inbox), out=str(out))
    first = snapshot(out)
    ingest_folder(inbox=str(inbox), out=str(out))  # outputs exist now: keys are computed
    state = ingest_folder(inbox=str(inbox), out=str(out), return_state=True)
    assert_same(first, snapshot(out))
    flow_run = str(state.state_details.flow_run_id)
    runs = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run]}}})
    assert sorted(r["state"]["name"] for r in runs) == ["Cached"] * 3


def test_ocr_limit_runs_documents_one_at_a_time(inbox: Path, tmp_path: Path) -> None:
    """``lvingest ingest --runner thread --workers 2 --ocr-limit 1`` in its own process, as a
    data engineer would run it: the limit is set on the server and the documents take turns.
    ``--force-ocr`` reaches the flow too: the text-layer fixture is OCR'd."""
    import os
    import subprocess
    import sys
    from datetime import datetime

    from prefect import get_client
    from prefect.settings import PREFECT_API_URL

    from flows.ingest import OCR_TAG

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    command = [sys.executable, "-m", "pipeline.cli", "ingest", *[str(inbox / f) for f in FILES],
               "--out", str(tmp_path / "out"), "--runner", "thread", "--workers", "2",
               "--ocr-limit", "1", "--no-progress", "--force-ocr"]
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        with get_client(sync_client=True) as client:
            assert client.read_concurrency_limit_by_tag(OCR_TAG).concurrency_limit == 1
    finally:
        with get_client(sync_client=True) as client:
            client.delete_concurrency_limit_by_tag(OCR_TAG)
    [flow_run] = api_post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1})
    runs = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run["id"]]}}})
    spans = sorted((datetime.fromisoformat(r["start_time"]), datetime.fromisoformat(r["end_time"]))
                   for r in runs)
    assert len(spans) == 2
    assert spans[0][1] <= spans[1][0], f"documents overlapped under a limit of 1: {spans}"
    assert set(pd.read_parquet(tmp_path / "out" / "pages")["method"]) == {"ocr"}


def test_dask_runner_gives_the_same_outputs(inbox: Path, tmp_path: Path) -> None:
    """Also with no API configured (``lvingest ingest --runner dask`` on a laptop): the task runs
    of the workers are recorded with the flow run on its temporary server."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import run_flow

    files = discover([inbox])
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        rows = run_flow(files, tmp_path / "dask", "dask", workers=2)
    assert len(rows) == 3
    assert_same(snapshot(tmp_path / "dask"), library_run(inbox, tmp_path / "lib"))
    api = SubprocessASGIServer().api_url
    [flow_run] = api_post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1}, api)
    runs = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run["id"]]}}}, api)
    assert sorted(r["state"]["name"] for r in runs) == ["Completed"] * 3


def test_deployment_carries_runner_settings(tmp_path: Path) -> None:
    from flows.deploy import build_deployment

    deployment = build_deployment(tmp_path / "in", tmp_path / "out", "0 3 * * *", "d",
                                  runner="dask", dask_address="tcp://scheduler:8786", workers=4)
    assert deployment.parameters == {
        "inbox": str((tmp_path / "in").resolve()), "out": str((tmp_path / "out").resolve()),
        "runner": "dask", "dask_address": "tcp://scheduler:8786", "workers": 4}
    assert deployment.concurrency_limit == 1


def test_serve_runs_scheduled_deployment(inbox: Path, tmp_path: Path) -> None:
    """``lvingest serve --runner dask`` in its own process picks up a run of its deployment and
    ingests the inbox on a LocalCluster, the task runs recorded with the run."""
    import os
    import subprocess
    import sys

    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    out = tmp_path / "served"
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    server = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--inbox", str(inbox), "--out", str(out),
         "--cron", "0 3 * * *", "--name", "test-inbox", "--runner", "dask", "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        _wait_for_deployment("ingest_folder/test-inbox", server)
        run = run_deployment("ingest_folder/test-inbox", timeout=240, poll_interval=2)
        assert run.state.is_completed(), run.state
    finally:
        server.terminate()
        server.wait(timeout=30)
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs["status"]) == ["failed", "ok", "ok"]
    assert run.parameters["runner"] == "dask"
    tasks = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [str(run.id)]}}})
    assert sorted(t["state"]["name"] for t in tasks) == ["Completed"] * 3


def _wait_for_deployment(name: str, server, seconds: float = 90) -> None:
    import time

    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + seconds
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stdout.read()
            try:
                client.read_deployment_by_name(name)
                return
            except ObjectNotFound:
                time.sleep(1)
    raise AssertionError(f"deployment {name} did not appear in {seconds} s")


def test_first_run_on_a_new_machine_waits_for_prefects_server(fixture_pdf: Path, tmp_path: Path) -> None:
    """No API configured and an empty PREFECT_HOME: the temporary server must first create its
    database, which outlasts Prefect's default wait. A 1 s wait set by the user would fail
    every run; the flow waits long enough anyway."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect-home"),
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "ingest", str(fixture_pdf / "stop47_list.pdf"),
               "--out", str(tmp_path / "out"), "--runner", "thread", "--no-progress"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "prefect-home" / "prefect.db").exists()
