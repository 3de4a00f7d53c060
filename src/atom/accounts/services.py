"""Adding and changing users, with the rules that keep a company manageable."""

from django.db import transaction
from django.utils.translation import gettext as _

from atom.accounts.models import Role, User
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify
from atom.security.locks import lock_policy
from atom.signins.services import end_sessions


class UserChangeRefused(Exception):
    """The change would break a rule; the message says which."""


def add_user(company, email: str, role: str, password: str, actor: Actor) -> User:
    """The password was chosen by someone else, so the user must replace it at first log-in."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            company=company,
            role=role,
            password=password,
            must_change_password=True,
            password_change_reason="initial",  # noqa: S106 - a reason code, not a password
        )
        record(
            "user.added",
            company=company,
            actor=actor,
            details={"email": user.email, "role": role},
        )
        notify("user.added", company=company, actor=actor, details={"email": user.email, "role": role})
    return user


def _active_owners(company) -> int:
    return User.objects.filter(company=company, role=Role.OWNER, is_active=True).count()


# Higher is more power; a change to a lower rank takes power away.
_RANK = {Role.AGENT: 0, Role.ADMIN: 1, Role.OWNER: 2}


def _lock(actor: Actor, target: User) -> None:
    """Serialize changes to the company's users, then read both people afresh.

    Two requests (or one owner in two tabs) each demoting or deactivating a
    different owner would both count two active owners and both go ahead,
    leaving none. The company's policy row is the lock every write to the
    company takes first (atom.security.locks), so the second request waits
    here and then counts what the first committed.
    """
    lock_policy(target.company)
    target.refresh_from_db(fields=["role", "is_active"])
    actor.user.refresh_from_db(fields=["role", "is_active"])
    if not (actor.user.is_active and actor.user.is_company_admin):
        # Demoted or deactivated by a request that committed while this one waited.
        raise UserChangeRefused(_("You can no longer manage this company's users."))


def change_role(actor: Actor, target: User, role: str) -> None:
    """Give ``target`` another role.

    A lower role (owner to admin or agent, admin to agent) also ends every
    session of ``target``: what they opened with more power does not outlive it.
    """
    with transaction.atomic():
        _lock(actor, target)
        if target.role == role:
            return
        if actor.user.role != Role.OWNER and Role.OWNER in (target.role, role):
            raise UserChangeRefused(_("Only an owner can give or take away the owner role."))
        if target.role == Role.OWNER and target.is_active and _active_owners(target.company) <= 1:
            raise UserChangeRefused(
                _("A company needs at least one active owner; make someone else owner first.")
            )
        old = target.role
        target.role = role
        target.save(update_fields=["role"])
        details = {"email": target.email, "from": old, "to": role}
        if _RANK[Role(role)] < _RANK[Role(old)]:
            details["sessions_ended"] = end_sessions(target, actor=actor, reason="role_lowered")
        record("user.role_changed", company=target.company, actor=actor, details=details)
        if _RANK[Role(role)] > _RANK[Role(old)] and role != Role.AGENT:
            notify(
                "user.promoted",
                company=target.company,
                actor=actor,
                details={"email": target.email, "role": role},
            )


def set_active(actor: Actor, target: User, active: bool) -> None:
    """Deactivate or reactivate ``target``.

    Deactivation ends every session of ``target``, so a reactivated user
    starts again from the log-in page, without the old session or its sudo mode.
    """
    with transaction.atomic():
        _lock(actor, target)
        if target.is_active == active:
            return
        if target.pk == actor.user.pk:
            raise UserChangeRefused(_("You cannot deactivate yourself."))
        if actor.user.role != Role.OWNER and target.role == Role.OWNER:
            raise UserChangeRefused(_("Only an owner can deactivate or reactivate an owner."))
        if not active and target.role == Role.OWNER and _active_owners(target.company) <= 1:
            raise UserChangeRefused(_("A company needs at least one active owner."))
        target.is_active = active
        target.save(update_fields=["is_active"])
        details: dict[str, object] = {"email": target.email}
        if not active:
            details["sessions_ended"] = end_sessions(target, actor=actor, reason="deactivated")
        record(
            "user.deactivated" if not active else "user.reactivated",
            company=target.company,
            actor=actor,
            details=details,
        )
