"""Where the remote backend sends its requests: ``AUTHGATE_API_URL`` and the prefix."""

from __future__ import annotations

import pytest

from authgate import errors as e
from authgate.streamlit.remote_backend import RemoteBackend


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/api/auth"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/api/auth"),
        ("https://auth.example.com/custom/", "https://auth.example.com/custom"),
    ],
)
def test_api_url_gets_the_prefix_only_without_a_path(url: str, base: str) -> None:
    from authgate.streamlit._remote_client import api_base_url

    assert api_base_url(url) == base


@pytest.mark.parametrize("url", ["ftp://example.com", "/api/auth", "example.com:8000", ""])
def test_bad_api_urls_are_configuration_errors(url: str) -> None:
    with pytest.raises(e.ConfigurationError):
        RemoteBackend(url)
