"""The PySide6 district desk: the only package that imports Qt.

Widgets call services (never SQL); long work runs through :mod:`copdesk.ui.tasks`; big lists are shown through
:class:`copdesk.ui.paged_model.PagedTableModel`. The entry point is :func:`copdesk.ui.app.run_desk`.
"""
