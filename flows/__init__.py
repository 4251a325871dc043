"""Prefect flows and deployments wrapping the ``pipeline`` library."""
