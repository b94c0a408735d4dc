"""Entry of the authgate side of ``bench_browser_login.py``
(``streamlit run benchmarks/bench_browser_login_app.py``): the gate's routes plus
``/_bench/runs``, the number of script runs so far (the counter lives in this
imported module, so the script's reruns share it). With ``BENCH_TRACE`` set
(``bench_browser_login_trace.py``), the gate's steps write their times there."""

import gc

import _trace
import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import authgate.streamlit.gate as gate_module
import authgate.streamlit.ui.landing as landing_module
import authgate.streamlit.ui.login as login_module
from authgate.streamlit import gate_routes

RUNS = [0]

for _name in (
    "resolve_user",
    "build_navigation",
    "render_user_sidebar",
    "render_visitor_sync",
    "render_session_sync",
    "show_flash",
    "render_login_form",
):
    _trace.wrap(gate_module, _name)
_trace.wrap(gate_module.Gate, "_auth_pages")
_trace.wrap(st, "navigation")
_trace.trace_sends()
_trace.wrap(gc, "collect", "gc.collect")
_trace.count_objects()
_trace.wrap(login_module, "_log_in", "callback _log_in")
_trace.wrap(login_module, "sign_in")
_trace.wrap(landing_module, "land_from_callback")


async def runs(request: Request) -> JSONResponse:
    return JSONResponse({"runs": RUNS[0]})


app = st.App("bench_browser_login_main.py", routes=[*gate_routes(), Route("/_bench/runs", runs)])
