from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """A tenant. Every row that belongs to a company points here."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Requests per second for the Atom API, counted across all hosts; None
    # means the operator's default (ATOM_DEFAULT_RATE_LIMIT).
    api_rate_limit = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name
