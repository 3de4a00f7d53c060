from django import template

from atom.audit.actions import label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label(action)


@register.filter
def details_text(details: dict) -> str:
    """Details as "key: value" pairs; lists joined with commas."""
    parts = []
    for key, value in (details or {}).items():
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value) or "-"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)
