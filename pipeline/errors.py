"""Exception hierarchy, each class mapped to the process exit code the CLI returns.

Like OCRmyPDF's ``ExitCode``: a scheduler or a shell script can tell a bad input (the run went
on, the file was quarantined) from a machine that lacks tesseract, from a bug.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    usage = 2  # argparse's own code for bad arguments
    missing_dependency = 3  # tesseract, its Latvian model, or the hunspell dictionary is absent
    input_failed = 4  # the run finished, but at least one input was quarantined or partial
    no_input = 5  # nothing to ingest at the paths given
    output_error = 6  # the output directory cannot be written
    interrupted = 130
    internal = 15  # a bug: please report it with the traceback


class LvIngestError(Exception):
    exit_code = ExitCode.internal


class MissingDependencyError(LvIngestError):
    """A program or data file lvingest needs is not installed; the message names the package."""

    exit_code = ExitCode.missing_dependency


class OutputError(LvIngestError):
    exit_code = ExitCode.output_error


class NoInputError(LvIngestError):
    exit_code = ExitCode.no_input


class InputFileError(LvIngestError):
    """One input cannot be processed; ``reason`` is a stable code stored in the quarantine record."""

    exit_code = ExitCode.input_failed
    reason = "unreadable"

    def __init__(self, path: str, detail: str, traceback: str | None = None) -> None:
        super().__init__(f"{path}: {self.reason}: {detail}")
        self.path = path
        self.detail = detail
        self.traceback = traceback  # kept in the quarantine record when the cause is a bug


class EmptyFileError(InputFileError):
    reason = "empty"


class NotPdfError(InputFileError):
    reason = "not_pdf"


class EncryptedPdfError(InputFileError):
    reason = "encrypted"


class TruncatedPdfError(InputFileError):
    reason = "truncated"


class TooLargeError(InputFileError):
    reason = "too_large"


class DecompressionBombError(InputFileError):
    reason = "decompression_bomb"


class UnreadablePdfError(InputFileError):
    reason = "unreadable"


class DocumentTimeoutError(InputFileError):
    """The document took longer than ``--doc-timeout``: the rest of the run should not wait."""

    reason = "timeout"


class InternalError(InputFileError):
    """A bug tripped on this document (in layout, repair, tables, entities...): the document is
    quarantined with the traceback so it can be reported, and the run goes on."""

    reason = "internal_error"


class PageError(LvIngestError):
    """One page failed (OCR timeout, render error); the document becomes ``partial``."""

    exit_code = ExitCode.input_failed


class OcrTimeoutError(PageError):
    pass


class RenderError(PageError):
    """pdfium could not render a page that needs OCR; its text layer is dropped as untrusted."""
