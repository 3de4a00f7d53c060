"""Adding and changing users, with the rules that keep a company manageable."""

from django.db import transaction
from django.utils.translation import gettext as _

from atom.accounts.models import Role, User
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.mail.notify import notify


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


def change_role(actor: Actor, target: User, role: str) -> None:
    if target.role == role:
        return
    if actor.user.role != Role.OWNER and Role.OWNER in (target.role, role):
        raise UserChangeRefused(_("Only an owner can give or take away the owner role."))
    with transaction.atomic():
        if target.role == Role.OWNER and target.is_active and _active_owners(target.company) <= 1:
            raise UserChangeRefused(
                _("A company needs at least one active owner; make someone else owner first.")
            )
        old = target.role
        target.role = role
        target.save(update_fields=["role"])
        record(
            "user.role_changed",
            company=target.company,
            actor=actor,
            details={"email": target.email, "from": old, "to": role},
        )
        if role in (Role.OWNER, Role.ADMIN):
            notify(
                "user.promoted",
                company=target.company,
                actor=actor,
                details={"email": target.email, "role": role},
            )


def set_active(actor: Actor, target: User, active: bool) -> None:
    if target.is_active == active:
        return
    if target.pk == actor.user.pk:
        raise UserChangeRefused(_("You cannot deactivate yourself."))
    if actor.user.role != Role.OWNER and target.role == Role.OWNER:
        raise UserChangeRefused(_("Only an owner can deactivate or reactivate an owner."))
    with transaction.atomic():
        if not active and target.role == Role.OWNER and _active_owners(target.company) <= 1:
            raise UserChangeRefused(_("A company needs at least one active owner."))
        target.is_active = active
        target.save(update_fields=["is_active"])
        record(
            "user.deactivated" if not active else "user.reactivated",
            company=target.company,
            actor=actor,
            details={"email": target.email},
        )
