"""Monthly bundles between a district and the hub: format, signatures, encryption, export, import, feedback.

See ``docs/bundle-format.md``. The services that use this package are ``copdesk.services.bundles`` (district) and
``copdesk.services.hub`` (hub).
"""
