"""Shared test fixtures: paths to the bundled fixtures, the seeds, and one Prefect test server."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # the test server has no network


@pytest.fixture(scope="session")
def fixture_pdf() -> Path:
    return FIXTURES / "pdf"


@pytest.fixture(scope="session")
def broken_dir() -> Path:
    return FIXTURES / "broken"


def gold(stem: str) -> dict:
    return json.loads((FIXTURES / "gold" / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip("../shared/seeds is not next to this checkout")
    return path


@pytest.fixture(scope="session")
def prefect_server():
    """One temporary Prefect API server (SQLite) shared by every flow test in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


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
