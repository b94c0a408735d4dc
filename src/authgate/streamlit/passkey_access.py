"""Where the passkey pages get their services: the in-process root, when there is one.

Passkeys are served by the core's ``PasskeyService`` and the ``passkey``
login methods. With the embedded backend the pages call them directly; a
gate in remote mode (``RemoteBackend``) shows no passkey controls yet, since
the browser's answers would have to be relayed to the API server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from authgate.streamlit.backend import AuthBackend
from authgate.streamlit.in_process import InProcessBackend

if TYPE_CHECKING:
    from authgate.root import Authgate

__all__ = ["passkey_root"]


def passkey_root(backend: AuthBackend) -> Authgate | None:
    """The ``Authgate`` behind ``backend`` when it runs in this process, else None."""
    return backend.auth if isinstance(backend, InProcessBackend) else None
