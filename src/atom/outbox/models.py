"""Message templates a company writes, and the outbox of messages sent with them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from atom.outbox import placeholders

# WhatsApp's limit for a template's body text.
BODY_MAX_LENGTH = 1024


class MessageTemplate(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    # WhatsApp's language codes: "en", "es", "pt_BR".
    language = models.CharField(_("language"), max_length=10)
    body = models.TextField(_("body"), max_length=BODY_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One template per name and language, as WhatsApp has them.
            models.UniqueConstraint(
                "company", Lower("name"), "language", name="outbox_template_company_name_language"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    @property
    def placeholders(self) -> list[str]:
        return placeholders.names(self.body)


class Message(models.Model):
    """A template message accepted by the API, waiting in the outbox.

    Delivering it over WhatsApp is the delivery service's job, outside this
    repository; the text is rendered when the message is accepted, so a
    later edit of the template does not change what was asked for.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    # PROTECT: a template that messages were sent with stays, for their history.
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="messages")
    phone_number = models.CharField(_("phone number"), max_length=15)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # True: the conversation goes to an agent; false: to the bot.
    assign = models.BooleanField(_("assign to an agent"), default=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("accepted"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["template", "-id"], name="outbox_message_template_recent")]
