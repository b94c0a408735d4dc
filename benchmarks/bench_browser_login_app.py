"""Entry of the authgate side of ``bench_browser_login.py``
(``streamlit run benchmarks/bench_browser_login_app.py``): the gate's routes plus
``/_bench/runs``, the number of script runs so far (the counter lives in this
imported module, so the script's reruns share it)."""

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from authgate.streamlit import gate_routes

RUNS = [0]


async def runs(request: Request) -> JSONResponse:
    return JSONResponse({"runs": RUNS[0]})


app = st.App("bench_browser_login_main.py", routes=[*gate_routes(), Route("/_bench/runs", runs)])
