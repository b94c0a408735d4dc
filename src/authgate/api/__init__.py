"""The HTTP face of authgate: the JSON auth API and the dependencies for other apps.

Import ``create_api`` for the server side (give it an ``authgate.root.Authgate``),
or ``authgate.api.dependencies`` for a FastAPI service that only verifies tokens.
"""

from authgate.api.app import create_api, get_auth

__all__ = ["create_api", "get_auth"]
