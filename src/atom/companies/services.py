from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.text import slugify

from atom.accounts.models import Role, User
from atom.audit.actors import Actor
from atom.audit.log import record
from atom.companies.models import Company
from atom.security.api_tokens import create_initial
from atom.security.changes import announce_change
from atom.security.locks import lock_policy
from atom.security.models import SecurityPolicy


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "company"
    slug, n = base, 1
    while Company.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def validate_owner_password(email: str, password: str) -> None:
    """Raise ValidationError if the password breaks a new company's default policy."""
    probe = User(email=email, company=Company(), role=Role.OWNER)
    probe.company.security = SecurityPolicy()
    password_validation.validate_password(password, probe)


def create_company(
    name: str,
    owner_email: str,
    owner_password: str,
    *,
    slug: str | None = None,
    actor: Actor | None = None,
) -> tuple[Company, User]:
    """A company with its security settings, its first API token and its owner, all or nothing."""
    actor = actor or Actor.operator()
    with transaction.atomic():
        company = Company.objects.create(name=name, slug=slug or unique_slug(name))
        SecurityPolicy.objects.create(company=company)
        owner = User.objects.create_user(
            email=owner_email, company=company, role=Role.OWNER, password=owner_password
        )
        record(
            "company.created",
            company=company,
            actor=actor,
            details={"name": name, "slug": company.slug, "owner": owner.email},
        )
        create_initial(company)
    return company, owner


def rename_company(company: Company, name: str, actor: Actor) -> bool:
    old = company.name
    if old == name:
        return False
    with transaction.atomic():
        lock_policy(company)
        company.name = name
        company.save(update_fields=["name"])
        # The API serves the name from each process's memory.
        announce_change()
        record("company.renamed", actor=actor, company=company, details={"from": old, "to": name})
    return True
