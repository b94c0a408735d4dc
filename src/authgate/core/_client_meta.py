"""Client-supplied metadata (IP, user agent) cleaned the same way everywhere."""

from __future__ import annotations

from authgate.core.identity import sanitize_client_text

__all__ = ["clean_agent", "clean_ip"]


def clean_ip(value: str | None) -> str | None:
    return sanitize_client_text(value, 64)


def clean_agent(value: str | None) -> str | None:
    return sanitize_client_text(value, 512)
