"""SQLAlchemy models (typed, portable across SQLite, SQLCipher and PostgreSQL). No Qt, no domain rules.

Importing this package registers every table on :data:`Base.metadata`.
"""

from copdesk.models import (  # noqa: F401  (imported to register their tables)
    accounts,
    audit,
    base,
    committees,
    complaints,
    meetings,
    months,
    organisation,
    outreach,
    people,
    sync,
    training,
    watch,
)

Base = base.Base
