"""lvingest: ingestion and extraction for Latvian public-sector PDFs.

The library runs without Prefect; ``flows/`` wraps it. Stages, one module each:
source (file -> pages) -> triage/ocr -> layout -> repair -> table -> entities (dates, targets,
municipalities as spaCy components) -> records -> store.

The public API is ``__all__``. Its names load on first use (PEP 562), so ``import pipeline``
stays cheap for the command line and ``pipeline.__version__`` needs no spaCy or pdfium.
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("lvingest")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

# public name -> the module that owns it
_API = {
    "Config": "options", "OptionError": "options",
    "ingest_file": "ingest", "find_inputs": "ingest", "discover": "ingest", "Outcome": "ingest",
    "extract_text": "extract",
    "repair_text": "repair",
    "find_dates": "dates", "document_year": "dates",
    "find_municipalities": "municipalities",
    "targets_from_text": "targets", "targets_from_table": "targets",
    "write_report": "report",
    "Document": "document", "Page": "document", "Word": "document", "Line": "document",
    "Repair": "document", "Table": "document", "Cell": "document", "DateMention": "document",
    "Target": "document", "MunicipalityMention": "document",
    "LvIngestError": "errors", "InputFileError": "errors", "OutputError": "errors",
    "NoInputError": "errors", "ExitCode": "errors",
}
__all__ = ["__version__", *_API]

if TYPE_CHECKING:
    from .dates import document_year, find_dates
    from .document import Cell, DateMention, Document, Line, MunicipalityMention, Page, Repair, Table, Target, Word
    from .errors import ExitCode, InputFileError, LvIngestError, NoInputError, OutputError
    from .extract import extract_text
    from .ingest import Outcome, discover, find_inputs, ingest_file
    from .municipalities import find_municipalities
    from .options import Config, OptionError
    from .repair import repair_text
    from .report import write_report
    from .targets import targets_from_table, targets_from_text


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
