"""lvingest: ingestion and extraction for Latvian public-sector PDFs."""
