"""How a role name is spelled: the one rule for roles given to accounts and by providers.

``authgate.core.identity.normalize_role`` checks the roles an account is
given; ``authgate.oidc_settings`` checks the roles an identity provider's
``role_map`` may grant. The settings cannot import the core (the core reads
the settings), so the rule sits below both, and a role one side accepts the
other cannot refuse.
"""

from __future__ import annotations

import re

__all__ = ["is_role_name"]

_ROLE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


def is_role_name(text: str) -> bool:
    """True for a role name as stored: lowercase letters, digits, ``_`` and ``-``, from a letter.

    At most 64 characters. No comma can occur, which the store's role list relies on.
    """
    return _ROLE_NAME.fullmatch(text) is not None
