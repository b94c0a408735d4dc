"""Entry of the peer of ``bench_browser_login.py``: the plain cookie-component pattern.

The script (``bench_browser_login_peer_main.py``) checks an Argon2id hash with
argon2-cffi and stores a random session token in a cookie written by
extra-streamlit-components' ``CookieManager`` (a page-script cookie, not
HttpOnly). This module holds what the reruns share: the run counter served at
``/_bench/runs``, the one user's hash and the live sessions.
"""

import os

import _trace
import streamlit as st
from argon2 import PasswordHasher
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

RUNS = [0]
_trace.trace_sends()
# The same Argon2id parameters as authgate's defaults (19 MiB, t=2, p=1).
HASHER = PasswordHasher(memory_cost=19456, time_cost=2, parallelism=1)
HASHES = {os.environ["BENCH_USER"]: HASHER.hash(os.environ["BENCH_PASSWORD"])}
SESSIONS: dict[str, str] = {}


async def runs(request: Request) -> JSONResponse:
    return JSONResponse({"runs": RUNS[0]})


app = st.App("bench_browser_login_peer_main.py", routes=[Route("/_bench/runs", runs)])
