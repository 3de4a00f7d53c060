"""One lock-out for every place that checks a secret of a known user.

Log-in, the sudo prompt, "Change your password" and second-factor codes all
count toward the same lock-out: ATOM_LOGIN_FAILURE_LIMIT failures for one
account from one address (django-axes, ``AXES_LOCKOUT_PARAMETERS`` in
settings) pause every check of that account from that address for
``AXES_COOLOFF_TIME``. Without it, a person at an unattended logged-in
computer could guess the password at the sudo prompt without limit and then
reveal the company's API token.

The public API, for any code that verifies something a user typed::

    if verification.is_locked_out(request, user):
        return verification.locked_out_json()            # or the page, with 429
    if not verification.check_password(request, user, password, where="sudo"):
        if verification.is_locked_out(request, user):     # this failure was the last one
            return verification.locked_out_json()
        return ...                                        # "not correct", 400

and for secrets this module does not check itself (a second-factor code)::

    if not code_is_right:
        verification.record_failure(request, user, where="two_factor")
    else:
        verification.record_success(request, user)

Log-in itself goes through ``django.contrib.auth.authenticate``, whose
failures django-axes counts under the same key (the folded email and the
client address), so a failure anywhere brings every other place closer to
the lock-out, and a lock-out anywhere stops them all.

Every field that carries a secret must be named in
``AXES_SENSITIVE_PARAMETERS`` (settings): django-axes stores the rest of the
POST data with each failure.
"""

from __future__ import annotations

import re
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from atom.api.errors import error
from atom.audit.log import record

# A short name for the place that checked: stored in the audit event.
_WHERE = re.compile(r"[a-z][a-z0-9_]{0,39}")


def is_locked_out(request: HttpRequest, user) -> bool:
    """Whether ``user`` is locked out from this request's address.

    True once the account has failed ATOM_LOGIN_FAILURE_LIMIT times from this
    address (at log-in or at any check that uses this module) within the
    cool-off time. Costs one query (or one cache read with Redis). Check it
    before verifying anything, and answer with the lock-out
    (``locked_out_json``, or the page with status 429 and
    ``lockout_message``) instead of looking at what was typed.
    """
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def record_failure(request: HttpRequest, user, *, where: str) -> None:
    """Count one wrong secret for ``user`` from this address, and audit it.

    ``where`` names the place that checked, as a short lower-case word
    ("sudo", "password_change", "two_factor"); it is stored in the audit
    event ``verification.failed``, with the account's email and whether this
    failure started the lock-out. Never pass what was typed.

    The failure counts toward the same lock-out as a failed log-in. The
    caller answers the request: call ``is_locked_out`` afterwards to know
    whether this failure was the one that locked the account out.
    """
    _check_where(where)
    AxesProxyHandler.update_request(request)
    flagged = request.axes_locked_out
    AxesProxyHandler.user_login_failed(
        sender=__name__, credentials=_credentials(user), request=request
    )
    locked = bool(request.axes_locked_out)
    # django-axes marks the request for its middleware, which would swap the
    # caller's answer for the log-in page's lock-out; the caller answers.
    request.axes_locked_out = flagged
    _audit(request, user, where, locked_out=locked)


def record_success(request: HttpRequest, user) -> None:
    """Forget ``user``'s failures from this address, as a successful log-in does.

    Call it once the secret was right, so that someone who mistypes now and
    then is never locked out by failures spread over a day.
    """
    AxesProxyHandler.update_request(request)
    address = request.axes_ip_address
    if address is None:
        # Without an address the reset would forget the account's failures
        # from every address; those expire with the cool-off instead.
        return
    AxesProxyHandler.reset_attempts(ip_address=address, username=user.email)


def check_password(request: HttpRequest, user, password: str, *, where: str) -> bool:
    """Whether ``password`` is ``user``'s password, counted toward the lock-out.

    - While ``user`` is locked out from this address: False, without looking
      at the password (so the lock-out cannot be used to test guesses), and
      the refused attempt is audited.
    - A wrong password: False, counted and audited (``record_failure``).
    - The right password: True, and this address's failures for the
      account are forgotten (``record_success``).

    After False, ``is_locked_out`` tells the lock-out (answer 429) from a
    wrong password (answer 400).
    """
    _check_where(where)
    if is_locked_out(request, user):
        _audit(request, user, where, locked_out=True)
        return False
    if user.check_password(password):
        record_success(request, user)
        return True
    record_failure(request, user, where=where)
    return False


def lockout_seconds() -> int:
    """How long a lock-out lasts after the last failure (django-axes' cool-off)."""
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, timedelta):
        return int(cooloff.total_seconds())
    return int(float(cooloff) * 3600)


def lockout_message() -> str:
    """What to tell the person: that they must wait, and how long."""
    return _(
        "Too many failed attempts for this account from your address. "
        "Wait %(minutes)d minutes and try again."
    ) % {"minutes": max(1, lockout_seconds() // 60)}


def locked_out_json() -> JsonResponse:
    """The lock-out for a page's script: 429 ``locked_out`` with ``Retry-After``."""
    return error(429, "locked_out", lockout_message(), retry_after=lockout_seconds())


def _credentials(user) -> dict[str, str]:
    # The key log-in uses: django-axes folds it with atom.accounts.backends.axes_username.
    return {"username": user.email}


def _check_where(where: str) -> None:
    if not _WHERE.fullmatch(where):
        raise ValueError(f"where must be a short lower-case word, not {where!r}")


def _audit(request: HttpRequest, user, where: str, *, locked_out: bool) -> None:
    record(
        "verification.failed",
        request=request,
        user=user,
        details={"where": where, "email": user.email, "locked_out": locked_out},
    )
