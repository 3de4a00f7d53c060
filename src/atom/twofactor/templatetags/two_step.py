"""Template filters for pages of other apps that show two-step verification."""

from django import template
from django.utils import timezone

from atom.twofactor.services import has_second_factor

register = template.Library()


@register.filter
def has_two_step(user) -> bool:
    return has_second_factor(user)


@register.filter
def in_future(moment) -> bool:
    return moment is not None and moment > timezone.now()
