"""The API documentation page: Swagger UI from Atom's own static files.

django-ninja ships Swagger UI's files with its "ninja" app; this page loads
them from /static/ and starts them from a static module, so it works under
the console's `script-src 'self'` and on installations without internet.
"""

from __future__ import annotations

from ninja.openapi.docs import Swagger


class Docs(Swagger):
    template = "api/docs.html"
    # Without deep links: Swagger UI puts each one inside the button that
    # opens its operation, a link within a button that keyboards and
    # screen readers cannot use (axe: nested-interactive).
    # showExtensions: each operation's scope (x-atom-scope, atom.api.auth.requires).
    default_settings = {"layout": "BaseLayout", "deepLinking": False, "showExtensions": True}
