"""Identity providers from Streamlit's own ``[auth]`` secrets, the ones ``st.login`` reads.

An app that configured ``st.login`` needs no second configuration: the gate's
default settings add these providers to ``AUTHGATE_OIDC_PROVIDERS`` (a name
configured there wins). Only the callback URI must be added at the provider.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pydantic import ValidationError

from authgate.oidc_settings import OidcProviderSettings, providers_from_streamlit_auth

__all__ = ["providers_from_secrets"]

logger = logging.getLogger("authgate.streamlit.oidc")


def providers_from_secrets() -> list[OidcProviderSettings]:
    """The providers of ``st.secrets["auth"]``; none when there is no secrets file or section."""
    import streamlit as st

    try:
        section = st.secrets.get("auth")
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return []
    except Exception:  # StreamlitSecretNotFoundError and parse errors of a broken file
        logger.warning("could not read Streamlit's secrets", exc_info=True)
        return []
    if not isinstance(section, Mapping):
        return []
    try:
        return providers_from_streamlit_auth(section)
    except ValidationError as error:
        logger.error("the [auth] secrets do not describe a usable provider: %s", error)
        return []
