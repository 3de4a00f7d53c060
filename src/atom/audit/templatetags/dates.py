"""``{% load dates %}``: ``{{ value|when }}`` writes "8 Dec 2026, 13:53 UTC" on any page."""

from django import template

from atom.audit.dates import format_when

register = template.Library()


@register.filter
def when(value) -> str:
    return format_when(value)
