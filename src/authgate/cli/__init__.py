"""The ``authgate`` command line (typer)."""

__all__: list[str] = []
