"""The Prefect flow: same outputs as the CLI, skipped re-runs, artifacts, states that tell,
Dask scale-out, and a served schedule that fires (all on one real server, ``prefect_server``)."""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import time
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
    """Ask the test server directly, in plain HTTP."""
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
        frame = pd.read_parquet(out / name).drop(columns=["ingested_at", "first_seen", "last_seen"],
                                                 errors="ignore")
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

    state = ingest_folder(inbox=str(inbox), out=str(tmp_path / "flow"), return_state=True)
    rows = state.result()
    assert sorted((r["file"], r["status"]) for r in rows) == [
        ("notice_ocr_eng.pdf", "ok"), ("stop47_list.pdf", "ok"), ("truncated.pdf", "failed")]
    # a run with a quarantined document is not a plain success: the state says so
    assert state.is_completed()
    assert state.message == "1 of 3 documents quarantined or partial (see lvingest-summary)"
    assert_same(snapshot(tmp_path / "flow"), library_run(inbox, tmp_path / "lib"))
    [summary] = api_post("/artifacts/filter", {"artifacts": {"key": {"any_": ["lvingest-summary"]}}})
    assert "quarantined or partial: 1" in summary["data"]
    [table] = api_post("/artifacts/filter", {"artifacts": {"key": {"any_": ["lvingest-documents"]}}})
    assert "stop47_list.pdf" in str(table["data"])


def test_rerun_skips_and_changes_nothing(inbox: Path, tmp_path: Path) -> None:
    """The library's skip decides, not a Prefect cache: a re-run reads nothing again and still
    reports the quarantined file as failed; failing on quarantine is an option."""
    from flows.ingest import ingest_folder

    out = tmp_path / "out"
    ingest_folder(inbox=str(inbox), out=str(out))
    first = snapshot(out)
    state = ingest_folder(inbox=str(inbox), out=str(out), fail_on_quarantine=True, return_state=True)
    assert_same(first, snapshot(out))
    assert state.is_failed() and state.message.startswith("1 of 3 documents quarantined")
    rows = state.result(raise_on_failure=False)
    assert sorted((r["file"], r["status"], r["cached"]) for r in rows) == [
        ("notice_ocr_eng.pdf", "cached", True), ("stop47_list.pdf", "cached", True),
        ("truncated.pdf", "failed", True)]


def test_an_inbox_gone_missing_is_said(tmp_path: Path) -> None:
    """An empty inbox is a quiet run; one that does not exist is said in the run's state."""
    from flows.ingest import ingest_folder

    (tmp_path / "empty").mkdir()
    assert ingest_folder(inbox=str(tmp_path / "empty"), out=str(tmp_path / "out")) == []
    state = ingest_folder(inbox=str(tmp_path / "gone"), out=str(tmp_path / "out"), return_state=True)
    assert state.is_completed() and state.message == f"not found: {tmp_path / 'gone'}"


def test_same_bytes_under_another_name_with_a_runner(fixture_pdf: Path, tmp_path: Path) -> None:
    """``--runner thread`` on b.pdf after a.pdf with the same bytes: b.pdf is reported as the
    document a.pdf made (a Prefect result cache keyed on the bytes once gave a KeyError here)."""
    from pipeline.cli import main

    for name in ("a.pdf", "b.pdf"):
        shutil.copy(fixture_pdf / "stop47_list.pdf", tmp_path / name)
        assert main(["ingest", str(tmp_path / name), "--out", str(tmp_path / "out"), "--runner",
                     "thread", "--no-progress"]) == 0
    sources = pd.read_parquet(tmp_path / "out" / "sources")
    assert sorted(sources["file_name"]) == ["a.pdf", "b.pdf"] and sources["doc_id"].nunique() == 1


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
    try:
        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            rows = run_flow(files, tmp_path / "dask", "dask", workers=2)
        assert len(rows) == 3
        assert_same(snapshot(tmp_path / "dask"), library_run(inbox, tmp_path / "lib"))
        api = SubprocessASGIServer().api_url
        [flow_run] = api_post("/flow_runs/filter", {"sort": "START_TIME_DESC", "limit": 1}, api)
        runs = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run["id"]]}}}, api)
        assert sorted(r["state"]["name"] for r in runs) == ["Completed"] * 3
    finally:  # stopped here, not at exit, where its goodbye meets pytest's closed streams
        SubprocessASGIServer().stop()


def test_tests_keep_out_of_the_users_prefect_home() -> None:
    """conftest points PREFECT_HOME (database, settings, logs) at a temporary folder."""
    from prefect.settings import PREFECT_HOME

    assert not PREFECT_HOME.value().is_relative_to(Path.home() / ".prefect")


def test_deployment_and_its_task_runner(tmp_path: Path) -> None:
    from prefect_dask import DaskTaskRunner

    from flows.deploy import build_deployment
    from flows.ingest import with_runner

    deployment = build_deployment(tmp_path / "in", tmp_path / "out", "0 3 * * *", "d",
                                  fail_on_quarantine=True)
    assert deployment.parameters == {
        "inbox": str((tmp_path / "in").resolve()), "out": str((tmp_path / "out").resolve()),
        "fail_on_quarantine": True}
    assert deployment.concurrency_limit == 1
    runner = with_runner("dask", "tcp://scheduler:8786", 4).task_runner
    assert isinstance(runner, DaskTaskRunner) and runner.address == "tcp://scheduler:8786"


def test_served_schedule_fires(inbox: Path, tmp_path: Path, prefect_server: str) -> None:
    """``lvingest serve --interval 10 --runner dask`` in its own process, against the shared
    server: the server's scheduler creates the runs (nobody calls ``run_deployment``), the
    served process runs them on a LocalCluster, and one is Completed within three minutes,
    its message saying that a document was quarantined."""
    import os
    import signal

    out, log = tmp_path / "served", tmp_path / "serve.log"
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    with log.open("w") as sink:
        served = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "serve", "--inbox", str(inbox), "--out", str(out),
             "--interval", "10", "--name", "test-inbox", "--runner", "dask", "--workers", "1"],
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deployment = _wait_for(lambda: api_post("/deployments/filter", {
            "deployments": {"name": {"any_": ["test-inbox"]}}}), served, log, 90)[0]
        [run] = _wait_for(lambda: api_post("/flow_runs/filter", {"flow_runs": {
            "deployment_id": {"any_": [deployment["id"]]}, "state": {"type": {"any_": ["COMPLETED"]}}},
            "limit": 1}), served, log, 180)
    finally:
        served.terminate()  # as a service manager stops it: the runner stops, its server too
        try:
            served.wait(timeout=90)  # a LocalCluster on a loaded 2-core machine can take a while
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(served.pid, signal.SIGKILL)
    assert run["auto_scheduled"], run
    assert run["state"]["message"].startswith("1 of 3 documents quarantined"), run["state"]
    console = log.read_text()
    assert f"Prefect UI: {prefect_server.removesuffix('/api')}" in console
    assert not re.search(r"INFO +\| distributed\.", console), console  # Dask kept quiet
    assert sorted(pd.read_parquet(out / "documents")["status"]) == ["failed", "ok", "ok"]
    tasks = api_post("/task_runs/filter", {"flow_runs": {"id": {"any_": [run["id"]]}}})
    assert sorted(t["state"]["name"] for t in tasks) == ["Completed"] * 3


def _wait_for(query, process: subprocess.Popen, log: Path, seconds: float) -> list[dict]:
    """Ask ``query()`` every second until it returns rows; fail if ``process`` dies first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        if rows := query():
            return rows
        time.sleep(1)
    raise AssertionError(f"nothing after {seconds} s:\n{log.read_text()[-3000:]}")


def test_deployment_page_renders_and_prefect_cli_lists_it(tmp_path: Path, prefect_server: str) -> None:
    """The UI of the project's server shows a deployment in headless Chromium, and ``prefect
    deployment ls`` / ``prefect flow-run ls`` from this environment answer (once HTTP 422: the
    server refused the nulls its own client sends, see the fastapi pin in pyproject.toml)."""
    import os

    from flows.deploy import build_deployment
    from flows.server import ui_url

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (make test installs the Debian package)")
    deployment_id = build_deployment(tmp_path / "in", tmp_path / "out", "0 3 * * *", "ui-check").apply()
    page = f"{ui_url(prefect_server)}/deployments/deployment/{deployment_id}"
    browser = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium'}", "--virtual-time-budget=15000", "--dump-dom", page],
        capture_output=True, text=True, timeout=120,
    )
    assert "ui-check" in browser.stdout, browser.stdout[-2000:] + browser.stderr[-2000:]
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    listed = {}
    for command in (["deployment", "ls"], ["flow-run", "ls"]):
        result = subprocess.run([sys.executable, "-m", "prefect", *command], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        listed[command[0]] = result.stdout
    assert "ingest_folder/ui-check" in listed["deployment"]


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
    # the CLI turns Prefect's usage reports off: no telemetry errors, no "database is locked"
    assert "telemetry" not in result.stderr and "Traceback" not in result.stderr, result.stderr[-3000:]
