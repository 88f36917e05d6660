"""Printed documents (PDF, reportlab) in English and Urdu.

- :mod:`copdesk.documents.fonts`: the bundled Noto fonts, registered once.
- :mod:`copdesk.documents.text`: :class:`~copdesk.documents.text.BidiParagraph`, the one paragraph flowable for
  every text (wrapping, right-to-left order, Urdu shaping, font fallback, no markup).
- :mod:`copdesk.documents.layout`: wording, letterhead, tables, signature blocks, "Page X of Y".
- :mod:`copdesk.documents.minutes`, :mod:`~copdesk.documents.receipt`, :mod:`~copdesk.documents.roster`,
  :mod:`~copdesk.documents.monthly_report`: ``write_<document>(view, out, *, language="en", ...)``.

Documents take the services' views and never read the database; :class:`copdesk.services.printing.PrintService`
gathers the views and writes the files.
"""
