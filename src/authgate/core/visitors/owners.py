"""Owner keys: one string under which an application keeps data for a visitor or a user.

``current_visitor()`` in the gate answers one of these, so a page keeps its
rows under one column whoever is at the keyboard; the hand-off hook, which
gets the raw ids, maps them the same way on either side of the API.
"""

from __future__ import annotations

__all__ = ["user_owner", "visitor_owner"]


def visitor_owner(visitor_id: str) -> str:
    """The owner key of an anonymous visitor's data."""
    return f"visitor:{visitor_id}"


def user_owner(user_id: int) -> str:
    """The owner key of a user's data."""
    return f"user:{user_id}"
