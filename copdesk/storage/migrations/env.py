"""Alembic environment: copdesk always passes an open connection (see copdesk.storage.migrate)."""

from __future__ import annotations

from alembic import context

from copdesk.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables safely
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
