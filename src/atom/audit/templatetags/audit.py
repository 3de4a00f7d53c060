from django import template

from atom.audit.sentences import actor_name, describe

register = template.Library()


@register.filter
def sentence(event) -> str:
    return describe(event)


@register.filter
def actor(event) -> str:
    return actor_name(event)
