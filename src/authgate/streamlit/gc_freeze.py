"""Keep long-lived objects out of the full collection Streamlit runs after every script run.

Streamlit ends each script run with a full ``gc.collect(2)`` (its
``runner.postScriptGC`` option, on by default). A full collection walks every
tracked object, holding the interpreter lock, and authgate's imports (the
store's SQLAlchemy tables, pydantic models, the services, the built-in pages)
triple what Streamlit alone has to walk: about 150,000 objects, 70-80 ms per
collection on the benchmark machine (about 20 ms for Streamlit alone). The
server's event loop needs the same lock to send the run's messages, so the
run that a click on "Log in" causes reached the browser only after that
collection: its elements arrived 100-150 ms after the script had drawn them
(``benchmarks/bench_browser_login_trace.py``; docs/benchmarks.md, issue 13
item 2).

``freeze_once`` moves what exists at the end of the process's first gate run
(modules, the service, its engine and pool, the compiled settings) into the
permanent generation (``gc.freeze``), which collections skip, after one full
collection so that no garbage is frozen. Every later collection walks only
objects created since, and still frees the garbage of each run. Frozen objects
are still freed by reference counting; only a reference cycle among them that
becomes garbage later is never collected (for instance the objects of the
first browser tab, if that tab closes). Done once per process: freezing again
later would freeze each run's tab state too.
"""

from __future__ import annotations

import gc
import threading

__all__ = ["freeze_once"]

_lock = threading.Lock()
_done = False


def freeze_once() -> bool:
    """Collect, then freeze every tracked object, the first time only; True when it froze now."""
    global _done
    if _done:
        return False
    with _lock:
        if _done:
            return False
        _done = True
        gc.collect()
        gc.freeze()
    return True
