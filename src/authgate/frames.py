"""Who may put the app's pages in a frame: the ``AUTHGATE_FRAME_ANCESTORS`` setting.

The value is the source list of a CSP ``frame-ancestors`` directive:
``'self'`` (the default: only the app itself, which Streamlit's component
frames need), ``'none'``, or the origins of sites that embed the app on
purpose. It is checked here, when the settings load, so a typo or a stray
``;`` (which would start another CSP directive) fails at start-up rather
than in a header.
"""

from __future__ import annotations

import re

__all__ = ["valid_frame_ancestors"]

# 'self', 'none', a scheme ("https:"), or an origin/host with an optional wildcard and port
_SOURCE = re.compile(
    r"^(?:'self'|'none'|[a-z][a-z0-9+.-]*:|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[\w.-]+(?::\d+)?)$",
    re.IGNORECASE,
)


def valid_frame_ancestors(value: str) -> str:
    """``value`` with single spaces; ValueError naming a source that is not one."""
    sources = value.split()
    if not sources:
        raise ValueError("frame_ancestors needs at least one source, e.g. 'self'")
    for source in sources:
        if not _SOURCE.match(source) or (source == "'none'" and len(sources) > 1):
            raise ValueError(
                f"{source!r} is not a frame-ancestors source "
                "(use 'self', 'none', or origins like https://portal.example.org)"
            )
    return " ".join(sources)
