"""The demo's Streamlit script: the gate and the pages it guards.

It reruns on every interaction; the gate and its service are cached per
process by authgate, so building them here costs next to nothing.
"""

from authgate.streamlit import Gate, GatePage

gate = Gate()
gate.run(
    [
        GatePage("views/home.py", title="Home", icon=":material/home:", public=True, default=True),
        GatePage("views/about.py", title="About", icon=":material/info:", public=True),
        GatePage("views/chat.py", title="Chat", icon=":material/chat:", public=True),
        GatePage("views/dashboard.py", title="Dashboard", icon=":material/monitoring:"),
        gate.account_page(),
        gate.admin_page(),
    ]
)
