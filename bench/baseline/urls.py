"""One view: the JSON of Atom's `GET /api/v1/company`, from a constant."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

# The shape and size of Atom's answer for the measured company.
COMPANY = {
    "id": 1,
    "name": "Bench Company 00000",
    "slug": "bench-company-00000",
    "token": {
        "createdAt": "2026-11-28T19:20:00.123456Z",
        "last4": "abcd",
        "masked": "atom_••••••••••••••••••••••••••••abcd",
        "graceEndsAt": None,
    },
}


def company(request: HttpRequest) -> JsonResponse:
    return JsonResponse(COMPANY)


urlpatterns = [path("api/v1/company", company), path("healthz", company)]
