"""The Prefect server ``lvingest serve`` runs its deployment against.

With ``PREFECT_API_URL`` set, that server is used (checked first). Otherwise ``prefect server
start`` runs as a child process on 127.0.0.1: a real server with its scheduler (which creates
the runs of a schedule; Prefect's temporary in-process server has none, so a served schedule
never fired) and its UI, its database in ``PREFECT_HOME`` and its log beside it in
``lvingest-server.log``. It stops with ``lvingest serve``.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping

import httpx

from pipeline.errors import MissingDependencyError

STARTUP_TIMEOUT = 120.0  # seconds: the first start creates and migrates the database


def healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def ui_url(api: str) -> str:
    """The UI's address for an API address (``http://host:4200/api`` → ``http://host:4200``)."""
    from prefect.settings import PREFECT_UI_URL

    return PREFECT_UI_URL.value() or api.removesuffix("/").removesuffix("/api")


@contextlib.contextmanager
def prefect_api(port: int = 4200, env: Mapping[str, str] | None = None,
                export: bool = True) -> Iterator[str]:
    """Yield the API address of a running Prefect server, starting one if none is configured.

    ``env``: extra environment of a started server (tests shorten the scheduler's loop).
    ``export``: also put the address in ``os.environ``, for the processes this one starts (flow
    runs, Dask workers), not only in this process's Prefect settings.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME, temporary_settings

    api = PREFECT_API_URL.value()
    if api:
        if not healthy(api):
            raise MissingDependencyError(f"no Prefect server answers at PREFECT_API_URL={api}")
        yield api
        return
    api = f"http://127.0.0.1:{port}/api"
    if healthy(api):
        raise MissingDependencyError(f"a Prefect server already runs on port {port}: set "
                                     f"PREFECT_API_URL={api} to use it, or choose another --port")
    home = PREFECT_HOME.value()
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "lvingest-server.log"
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
               "--port", str(port)]
    # the UI is told the API's address: it would assume port 4200 whatever --port says
    child_env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                 "PREFECT_UI_API_URL": api, **(env or {})}
    with log_path.open("ab") as log:
        server = subprocess.Popen(command, env=child_env, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)
    try:
        _wait(api, server, log_path)
        saved = os.environ.get("PREFECT_API_URL")
        if export:
            os.environ["PREFECT_API_URL"] = api
        try:
            with temporary_settings(updates={PREFECT_API_URL: api}):
                yield api
        finally:
            if export:
                os.environ.pop("PREFECT_API_URL", None)
                if saved is not None:
                    os.environ["PREFECT_API_URL"] = saved
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait(api: str, server: subprocess.Popen, log_path: os.PathLike) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not healthy(api):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            server.wait()
            raise MissingDependencyError(f"the Prefect server did not start on {api}; see {log_path}")
        time.sleep(0.5)
