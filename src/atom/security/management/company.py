from django.core.management.base import CommandError

from atom.companies.models import Company


def company_by_slug(slug: str) -> Company:
    found = Company.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(f"no company with the slug {slug!r}.")
    return found
