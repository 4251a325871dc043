"""Shared test fixtures: paths to the bundled fixtures, the seeds, and one Prefect test server."""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # the test server has no network
# Prefect's database, settings and results of the tests (and of the processes they start) stay
# out of the user's ~/.prefect; set before anything imports prefect
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="lvingest-test-prefect-")


@pytest.fixture(scope="session")
def fixture_pdf() -> Path:
    return FIXTURES / "pdf"


@pytest.fixture(scope="session")
def broken_dir() -> Path:
    return FIXTURES / "broken"


@pytest.fixture(scope="session")
def generator() -> ModuleType:
    """``fixtures/generate.py`` as a module: tests build variants of the fixtures with it."""
    spec = importlib.util.spec_from_file_location("fixtures_generate", FIXTURES / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def gold(stem: str) -> dict:
    return json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not next to this checkout")
    return path


# the scheduler looks for due schedules every 2 s instead of every 60 s
SERVER_ENV = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"}


@pytest.fixture(scope="session")
def prefect_server():
    """One real Prefect server (``prefect server start``, with its scheduler and UI, SQLite in
    the tests' PREFECT_HOME) shared by every flow test in the session; started the way
    ``lvingest serve`` starts one. Yields its API address."""
    from flows.server import prefect_api

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    from prefect.logging.handlers import APILogHandler

    with prefect_api(port, env=SERVER_ENV, export=False) as api:
        yield api
        APILogHandler().flush()  # the last runs' logs, sent before the server stops


@pytest.fixture(autouse=True, scope="session")
def word_model(tmp_path_factory):
    """The word model every test reads, in this process and in the ones it starts (Dask workers,
    the CLI): a fresh copy of the corpus model, so that what the user's cached archive model has
    learnt does not sway results. Learning is off, so outputs do not depend on the order tests
    run in; the tests of learning turn it on for themselves."""
    from pipeline import wordmodel

    base = wordmodel.base_model(wordmodel.cache_dir(), wordmodel.bundled_corpus())
    model = wordmodel.copy_model(base, tmp_path_factory.mktemp("wordmodel") / base.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LVINGEST_WORDMODEL", str(model.path))
        patch.setenv("LVINGEST_LEARN", "0")
        previous = wordmodel.use_model(model)
        yield model
        wordmodel.use_model(previous)
