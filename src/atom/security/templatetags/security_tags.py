from django import template

from atom.security.core import tokens

register = template.Library()


@register.filter
def masked(last4: str) -> str:
    """The masked view of a token from its last 4 characters."""
    return tokens.mask(last4)
