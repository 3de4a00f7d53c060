"""Which paths belong to the API and which to the console, defined once.

The token gate, the console's middleware and the error pages all decide by
path before Django routes a request, so they must agree on where the API
starts: a path one of them misses would be checked by nobody, or by the
wrong rules.
"""

from __future__ import annotations

# Where the token gate stands (atom.api.auth.gate_middleware).
GATED_PREFIXES = ("/api/v1/", "/webhooks/")
# The only paths under GATED_PREFIXES that need no token.
PUBLIC_PATHS = frozenset({"/api/v1/ping"})
# Everything the API serves, its OpenAPI and docs included: errors here are
# JSON, never the console's HTML pages.
API_PREFIXES = ("/api/", "/webhooks/")
STATIC_PREFIX = "/static/"
HEALTH_PATHS = ("/healthz", "/readyz")
# Paths that never carry a console session, left alone by the console's
# middleware (allowlist, required password change): the API is checked by
# the token gate, and static files and health checks by nobody.
NOT_CONSOLE_PREFIXES = (*API_PREFIXES, STATIC_PREFIX, *HEALTH_PATHS)
