"""Entry of the streamlit-authenticator peer of ``bench_browser_login.py``.

Needs ``pip install streamlit-authenticator`` (0.4.x; not an authgate
dependency). Holds the run counter served at ``/_bench/runs``.
"""

import os

import bcrypt
import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

RUNS = [0]
HASHED = bcrypt.hashpw(os.environ["BENCH_PASSWORD"].encode(), bcrypt.gensalt()).decode()


async def runs(request: Request) -> JSONResponse:
    return JSONResponse({"runs": RUNS[0]})


app = st.App("bench_browser_login_stauth_main.py", routes=[Route("/_bench/runs", runs)])
