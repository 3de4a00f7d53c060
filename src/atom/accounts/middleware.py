from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from atom.api.errors import error, wants_json
from atom.api.paths import NOT_CONSOLE_PREFIXES

# What a user who must change their password may still reach.
_ALLOWED_NAMES = ("accounts:password_change", "accounts:logout", "set_language")


def password_change_required(get_response: Callable[[HttpRequest], HttpResponse]):
    """Until a required password change is done, every page leads to it.

    Pages redirect to "Change your password"; the console's JSON endpoints
    answer 403 so a script in an old tab cannot carry on either.
    """
    allowed_paths: set[str] = set()

    def middleware(request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(NOT_CONSOLE_PREFIXES):
            return get_response(request)
        user = request.user
        if not (user.is_authenticated and user.must_change_password):
            return get_response(request)
        if not allowed_paths:
            allowed_paths.update(reverse(name) for name in _ALLOWED_NAMES)
        if path in allowed_paths:
            return get_response(request)
        if wants_json(request):
            return error(403, "password_change_required", _("Change your password first."))
        return redirect("accounts:password_change")

    return middleware
