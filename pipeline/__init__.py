"""lvingest: ingestion and extraction for Latvian public-sector PDFs.

The library runs without Prefect; ``flows/`` wraps it. Stages, one module each:
source (file -> pages) -> triage/ocr -> layout -> repair -> table -> entities (dates, targets,
municipalities as spaCy components) -> records -> store.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lvingest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
