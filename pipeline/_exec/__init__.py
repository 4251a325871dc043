"""Thin adapters around external programs: one module per program, nothing else calls them."""
