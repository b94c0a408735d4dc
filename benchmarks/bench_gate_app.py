"""Benchmark app entry (``streamlit run benchmarks/bench_gate_app.py``): the gate's routes
plus ``/_bench/runs``, the number of script runs so far (the counter lives here, in an
imported module, so the script's reruns share it)."""

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from authgate.streamlit import gate_routes

RUNS = [0]


async def runs(request: Request) -> JSONResponse:
    return JSONResponse({"runs": RUNS[0]})


app = st.App("bench_gate_main.py", routes=[*gate_routes(), Route("/_bench/runs", runs)])
