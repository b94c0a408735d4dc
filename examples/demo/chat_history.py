"""The demo's own table: each owner's chat history, next to authgate's tables.

An owner is whoever is at the keyboard: a user (``"user:<id>"``) or an
anonymous visitor (``"visitor:<id>"``), the keys of authgate's
``current_visitor()``. When a visitor logs in or registers, authgate calls
``hand_over`` (installed in ``app.py`` as ``visitors.handoff``) and the
visitor's messages become the user's.

It lives on the same database URL as authgate (authgate's engine) but in
the demo's own SQLAlchemy metadata, created here on first use: an
application's tables are its business, not authgate's migrations'. In
remote-backend mode (``AUTHGATE_API_URL``) authgate has no database in this
process, and the history goes to the demo's own engine on the same URL setting.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

from demo_settings import demo_settings
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from authgate.core.visitors import user_owner, visitor_owner
from authgate.store.engine import create_store_engine
from authgate.streamlit import get_service

__all__ = [
    "Message",
    "add_message",
    "clear_history",
    "demo_engine",
    "hand_over",
    "history",
    "reply_to",
]

metadata = MetaData()
messages = Table(
    "demo_chat",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("author", String(8), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_lock = threading.Lock()
_ready: set[str] = set()
_own_engines: dict[str, Engine] = {}
MAX_MESSAGE = 2000


def demo_engine() -> Engine:
    """authgate's engine when embedded; the demo's own one in remote-backend mode."""
    settings = demo_settings()
    if not settings.api_url:
        return get_service().store.engine
    with _lock:
        engine = _own_engines.get(settings.database_url)
        if engine is None:
            engine = _own_engines[settings.database_url] = create_store_engine(
                settings.database_url
            )
    return engine


@dataclass(frozen=True)
class Message:
    author: str
    body: str
    created_at: datetime


def _ensure_table(engine: Engine) -> None:
    key = str(engine.url)
    if key in _ready:
        return
    with _lock:
        if key not in _ready:
            metadata.create_all(engine, checkfirst=True)
            _ready.add(key)


def add_message(engine: Engine, owner: str, author: str, body: str) -> None:
    _ensure_table(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(messages).values(
                owner=owner,
                author=author,
                body=body[:MAX_MESSAGE],
                created_at=datetime.now(UTC),
            )
        )


def history(engine: Engine, owner: str | None, *, limit: int = 200) -> list[Message]:
    """This owner's messages only, oldest first (none for nobody)."""
    if owner is None:
        return []
    _ensure_table(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            select(messages.c.author, messages.c.body, messages.c.created_at)
            .where(messages.c.owner == owner)
            .order_by(messages.c.id.desc())
            .limit(limit)
        ).all()
    return [Message(r.author, r.body, r.created_at) for r in reversed(rows)]


def clear_history(engine: Engine, owner: str) -> None:
    _ensure_table(engine)
    with engine.begin() as connection:
        connection.execute(delete(messages).where(messages.c.owner == owner))


def hand_over(visitor_id: str, user_id: int) -> None:
    """authgate's hand-off hook: a visitor logged in, so its messages become the user's."""
    engine = demo_engine()
    _ensure_table(engine)
    with engine.begin() as connection:
        connection.execute(
            update(messages)
            .where(messages.c.owner == visitor_owner(visitor_id))
            .values(owner=user_owner(user_id))
        )


def reply_to(text: str, *, name: str) -> str:
    """A rule-based bot: no network, no model, just enough to show history at work."""
    words = text.lower()
    if any(greeting in words for greeting in ("hello", "hi ", "hey")) or words in {"hi", "hey"}:
        return f"Hello {name}! Ask me for the time, or say anything and I will echo it."
    if "time" in words:
        return f"It is {datetime.now(UTC):%H:%M} UTC."
    if "help" in words:
        return "I know 'hello', 'time' and 'help'. Everything else I echo back."
    return f"You said: {text}"
