"""copdesk: Community Oriented Policing records for district offices and the federal hub."""

__version__ = "0.1.0"
