from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def company_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Owners and admins only; an agent gets the 403 page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_company_admin:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
