"""Flows a company defines and the runs its systems start through webhooks.

The idempotency keys that keep a retried request from starting a run twice
belong to the API kernel: atom.api.models."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Flow(models.Model):
    """A conversation flow that a company's systems start through its webhook.

    Executing the flow is the flow engine's job, outside this repository:
    here a flow is what its webhook accepts.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=500, blank=True)
    # The variable names every webhook call must send, no more and no fewer.
    variables = models.JSONField(_("variables"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("company", Lower("name"), name="flows_flow_company_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    def webhook_path(self) -> str:
        return reverse("atom-api:flow_webhook", kwargs={"flow_id": self.id})


class FlowRun(models.Model):
    """One webhook call, stored durably before the caller is told "queued"."""

    class Status(models.TextChoices):
        # The flow engine, outside this repository, takes runs from here.
        QUEUED = "queued", _("Queued")

    # The company is stored on the run too, so every lookup by run id is
    # scoped by company in one condition.
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="runs")
    phone_number = models.CharField(_("phone number"), max_length=15)
    variables = models.JSONField(_("variables"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["flow", "-id"], name="flows_run_flow_recent")]

