from django.conf import settings


def navigation(request):
    """What the navigation may show: Settings only to owners and admins."""
    user = getattr(request, "user", None)
    is_admin = bool(user is not None and user.is_authenticated and user.is_company_admin)
    # How long a confirmed password lasts, for the pages that ask for it.
    return {"nav_is_company_admin": is_admin, "sudo_minutes": settings.ATOM_SUDO_MINUTES}
