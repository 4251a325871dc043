"""Tables: ruled (drawn grid), unruled (aligned words) and OCR'd, stitched across pages.

The steps, each a module: ``lines`` (words into visual lines with column gaps), ``rulings``
(pdfplumber's lattice on drawn rules), ``alignment`` (columns from shared gaps), ``classify``
(is it a table, which rows are headers), ``grid`` (cells into a ``Table``), ``stitching``
(continuations across pages), ``debug`` (a picture of what was found). ``TableSettings``
holds every threshold.
"""
from .finder import find_tables
from .settings import DEFAULT, TableSettings
from .stitching import stitch

__all__ = ["DEFAULT", "TableSettings", "find_tables", "stitch"]
