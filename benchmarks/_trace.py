"""Server-side step times for ``bench_browser_login_trace.py`` (only when ``BENCH_TRACE`` is set).

``mark(name)`` appends ``[wall time, name]`` to the file ``BENCH_TRACE`` names;
``wrap(module, attribute)`` replaces a function by one that marks its start
and end. Without ``BENCH_TRACE`` both do nothing, so the benchmark's own
figures are untouched.
"""

from __future__ import annotations

import functools
import json
import os
import threading
import time
from typing import Any

_PATH = os.environ.get("BENCH_TRACE")
_LOCK = threading.Lock()


def mark(name: str) -> None:
    if not _PATH:
        return
    line = json.dumps([time.time(), name])
    with _LOCK, open(_PATH, "a") as out:
        out.write(line + "\n")


def wrap(owner: Any, attribute: str, label: str | None = None) -> None:
    """Mark ``owner.attribute``'s start and end on every call."""
    if not _PATH:
        return
    original = getattr(owner, attribute)
    name = label or attribute

    @functools.wraps(original)
    def traced(*args: Any, **kwargs: Any) -> Any:
        mark(f"{name} start")
        try:
            return original(*args, **kwargs)
        finally:
            mark(f"{name} end")

    setattr(owner, attribute, traced)


def trace_sends() -> None:
    """Mark when each ForwardMsg is handed to the websocket (event loop) and enqueued (script)."""
    if not _PATH:
        return
    from streamlit.runtime.app_session import AppSession
    from streamlit.web.server.starlette.starlette_websocket import StarletteSessionClient

    def kind(msg: Any) -> str:
        name = msg.WhichOneof("type")
        if name == "delta":
            path = ".".join(str(p) for p in msg.metadata.delta_path)
            return f"delta @{path}"
        return str(name)

    write = StarletteSessionClient.write_forward_msg

    def traced_write(self: Any, msg: Any) -> None:
        mark(f"tx {kind(msg)}")
        write(self, msg)

    StarletteSessionClient.write_forward_msg = traced_write  # type: ignore[method-assign]
    enqueue = AppSession._enqueue_forward_msg

    def traced_enqueue(self: Any, msg: Any) -> None:
        mark(f"enqueue {kind(msg)}")
        enqueue(self, msg)

    AppSession._enqueue_forward_msg = traced_enqueue  # type: ignore[method-assign]


def count_objects() -> None:
    """Mark the number of objects a full collection walks (those not frozen), before each."""
    if not _PATH:
        return
    import gc

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info.get("generation") == 2:
            objects = gc.get_objects()
            mark(f"gc walks {len(objects)} objects ({gc.get_freeze_count()} frozen)")
            if os.environ.get("BENCH_TRACE_TYPES") and gc.get_freeze_count():
                from collections import Counter

                modules = Counter(
                    getattr(o, "__module__", None) or "?"
                    for o in objects
                    if callable(o) or isinstance(o, type)
                )
                kinds = Counter(type(o).__name__ for o in objects)
                mark(f"types {kinds.most_common(12)} modules {modules.most_common(15)}")

    gc.callbacks.append(callback)
