from django.db import transaction

from atom.audit.actors import Actor
from atom.audit.log import record
from atom.outbox.models import MessageTemplate


def create_template(
    company, *, name: str, language: str, body: str, actor: Actor
) -> MessageTemplate:
    with transaction.atomic():
        template = MessageTemplate.objects.create(
            company=company, name=name, language=language, body=body, created_by=actor.user
        )
        record(
            "template.created",
            actor=actor,
            company=company,
            details={"template_id": template.id, "name": name, "language": language},
        )
    return template


def update_template(
    template: MessageTemplate, *, name: str, language: str, body: str, actor: Actor
) -> bool:
    """Save the changes; False when nothing changed."""
    changed = {
        field: value
        for field, value in (("name", name), ("language", language), ("body", body))
        if getattr(template, field) != value
    }
    if not changed:
        return False
    with transaction.atomic():
        for field, value in changed.items():
            setattr(template, field, value)
        template.save(update_fields=[*changed, "updated_at"])
        record(
            "template.updated",
            actor=actor,
            company=template.company,
            details={"template_id": template.id, "name": template.name, "changed": sorted(changed)},
        )
    return True
