import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atom.settings")

# As django.core.wsgi.get_wsgi_application, with Atom's handler: Django's,
# plus the refusals answered at the edge (atom.api.edge).
django.setup(set_prefix=False)

from atom.api.edge import AtomHandler  # noqa: E402

application = AtomHandler()
