"""The authgate side of ``bench_browser_login.py``: one page of content behind the gate.

``secret`` (the default page, served at ``/``) needs a login; ``open`` draws the
very same content for everyone, so "anonymous visitor -> login form" on the
first can be compared with the same page's anonymous render on the second.
"""

import _trace
import bench_browser_login_app
import streamlit as st

from authgate.streamlit import Gate, GatePage

bench_browser_login_app.RUNS[0] += 1
_trace.mark("script start")


def content() -> None:
    _trace.mark("page start")
    st.title("Authenticated content")
    st.write("The page a logged-in user came for.")
    _trace.mark("page end")


def open_content() -> None:
    content()


Gate().run(
    [
        GatePage(content, title="Secret", url_path="secret", default=True),
        GatePage(open_content, title="Open", url_path="open", public=True),
    ]
)
_trace.mark("script end")
