"""Anonymous visitors: a server-side identity for a browser that has not logged in.

``VisitorService`` starts one (only when a page keeps something for the
visitor), resolves its token, and at login hands the visitor's id and the
new user's id to the application's hook, once. See ``service`` for the rules.
"""

from authgate.core.visitors.events import VisitorHandedOff
from authgate.core.visitors.owners import user_owner, visitor_owner
from authgate.core.visitors.service import Handoff, VisitorPass, VisitorService

__all__ = [
    "Handoff",
    "VisitorHandedOff",
    "VisitorPass",
    "VisitorService",
    "user_owner",
    "visitor_owner",
]
