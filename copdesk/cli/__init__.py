"""The ``copdesk`` command line."""
