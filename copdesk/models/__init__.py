"""SQLAlchemy models (typed, portable across SQLite, SQLCipher and PostgreSQL). No Qt, no domain rules.

Importing this package registers every table on :data:`Base.metadata`.
"""

from copdesk.models import accounts, audit, base, organisation, people  # noqa: F401

Base = base.Base
