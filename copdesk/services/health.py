"""The database health check the desk runs after sign-in (see :mod:`copdesk.storage.health`)."""

from __future__ import annotations

from copdesk.services.context import Service, requires
from copdesk.storage.health import BackupFile, HealthReport, quick_check

__all__ = ["BackupFile", "HealthReport", "HealthService"]


class HealthService(Service):
    """Checks that the open database file is sound.

    Guarded by ``org.view`` (every desk role): the desk runs the check for whoever signs in, because a damaged
    file must be found before anyone types into it, whatever their role. The check changes nothing and shows
    no record, only whether the file is sound and which backup is newest, so it needs no stronger permission.
    """

    @requires("org.view")
    def check(self) -> HealthReport:
        """Check the database's pages and structure; damage comes back as plain sentences, never as an error."""
        return quick_check(self.ctx.database)
