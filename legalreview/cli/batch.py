"""CLI commands: batch (placeholder, registered by legalreview.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
    return None
