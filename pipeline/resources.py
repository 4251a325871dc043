"""The one way the package reads its own data files (``pipeline/data/``).

Through ``importlib.resources`` so the files are found wherever the package is installed (a
wheel, a zip, a source checkout); JSON is parsed once per process and shared by its readers.
"""
from __future__ import annotations

import csv
import functools
import io
import json
from importlib.resources import files
from typing import Any


def data_bytes(name: str) -> bytes:
    """The bytes of ``pipeline/data/<name>``."""
    return files("pipeline").joinpath("data", name).read_bytes()


@functools.cache
def data_json(name: str) -> Any:
    """A JSON data file, parsed once (callers must not change what it returns)."""
    return json.loads(data_bytes(name).decode("utf-8"))


def data_rows(name: str) -> list[dict[str, str]]:
    """A tab-separated data file with a header line, as one dict a row."""
    text = data_bytes(name).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
