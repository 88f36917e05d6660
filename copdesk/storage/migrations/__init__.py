"""Alembic migrations of the copdesk schema (run by copdesk.storage.migrate)."""
