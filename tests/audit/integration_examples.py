"""One example per integration token action, for tests/audit/test_sentences.py's EXAMPLES."""

INTEGRATION_EXAMPLES = {
    "integration.created": (
        {
            "name": "Shop",
            "last4": "FMHY",
            "scopes": ["flows:start", "templates:send"],
            "expires_at": None,
            "addresses": [],
        },
        "Created the integration token Shop (…FMHY) for flows:start and templates:send, "
        "never expiring",
    ),
    "integration.rotated": (
        {"name": "Shop", "last4": "Q2ZX", "old_last4": "FMHY", "grace_seconds": 3600},
        "Rotated the integration token Shop to …Q2ZX; the old secret …FMHY keeps working 1 hour",
    ),
    "integration.revoked": (
        {"name": "Shop", "last4": "FMHY"},
        "Revoked the integration token Shop (…FMHY)",
    ),
    "integration.expiring": (
        {"name": "Shop", "last4": "FMHY", "days": 7, "expires_at": "2027-01-31T10:00:00+00:00"},
        "The integration token Shop (…FMHY) expires in 7 days",
    ),
    "integration.expired": (
        {"name": "Shop", "last4": "FMHY"},
        "The integration token Shop (…FMHY) expired",
    ),
    "integration.new_address": (
        {"name": "Shop", "last4": "FMHY", "address": "203.0.113.7"},
        "The integration token Shop (…FMHY) was used from 203.0.113.7 for the first time",
    ),
    "integration.max_lifetime_changed": (
        {"from": None, "to": 90},
        "Maximum lifetime of new integration tokens changed from no maximum to 90 days",
    ),
}
