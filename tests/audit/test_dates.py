"""One way to write a moment, with its time zone: "8 Dec 2026, 13:53 UTC"."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import translation

from atom.audit.dates import format_when

MOMENT = datetime(2026, 12, 8, 13, 53, 41, tzinfo=UTC)


def test_it_writes_day_month_year_time_and_zone():
    assert format_when(MOMENT) == "8 Dec 2026, 13:53 UTC"


def test_it_writes_the_month_in_spanish():
    with translation.override("es"):
        assert format_when(MOMENT) == "8 dic 2026, 13:53 UTC"


def test_it_reads_the_iso_moments_audit_details_store():
    assert format_when("2026-12-08T13:53:41.5+00:00") == "8 Dec 2026, 13:53 UTC"


def test_it_writes_another_zones_moment_in_utc():
    assert format_when("2026-12-08T09:53:00-04:00") == "8 Dec 2026, 13:53 UTC"


def test_it_writes_nothing_for_no_moment_or_an_unreadable_one():
    assert format_when(None) == ""
    assert format_when("") == ""
    assert format_when("next Tuesday") == ""


def test_it_offers_the_format_to_every_template_as_the_when_filter():
    template = Template("{% load dates %}{{ moment|when }}")
    assert template.render(Context({"moment": MOMENT})) == "8 Dec 2026, 13:53 UTC"
