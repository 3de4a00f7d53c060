"""The `atom` command, run as a real process against the test database."""

import os
import subprocess
import sys

import pytest

from atom.accounts.models import User
from atom.audit.models import AuditEvent
from atom.companies.models import Company
from atom.security import api_tokens
from atom.security.models import AllowedAddress, ApiToken, SecurityPolicy, TokenStatus
from tests.servers import ROOT, server_database_url

GOOD = "a long enough passphrase for the owner"


def atom(*args, stdin=""):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "atom.settings",
        "DATABASE_URL": server_database_url(),
    }
    return subprocess.run(
        [sys.executable, "-m", "atom.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def one_line_error(result, code=1):
    assert result.returncode == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def db_ready(transactional_db):
    return None


class TestCreateCompany:
    def test_it_creates_a_company_with_owner_settings_and_token(self, db_ready):
        result = atom(
            "createcompany",
            "Initech",
            "--owner-email",
            "Boss@Initech.example",
            "--password-stdin",
            stdin=GOOD + "\n",
        )
        assert result.returncode == 0, result.stderr
        assert "Created company Initech (initech) with owner boss@initech.example." in result.stdout
        company = Company.objects.get(slug="initech")
        owner = User.objects.get(email="boss@initech.example")
        assert owner.company == company and owner.role == "owner"
        assert owner.check_password(GOOD)
        assert SecurityPolicy.objects.get(company=company).password_size == 15
        assert ApiToken.objects.filter(company=company, status=TokenStatus.ACTIVE).count() == 1
        assert AuditEvent.objects.filter(
            company=company, action="company.created", actor_type="operator"
        ).exists()

    def test_it_refuses_a_duplicate_email(self, db_ready, owner):
        result = atom(
            "createcompany", "Other", "--owner-email", owner.email, "--password-stdin", stdin=GOOD
        )
        assert (
            one_line_error(result)
            == "CommandError: a user with the email owner@acme.example already exists."
        )

    def test_it_refuses_a_short_password(self, db_ready):
        result = atom(
            "createcompany",
            "Initech",
            "--owner-email",
            "boss@initech.example",
            "--password-stdin",
            stdin="short pass",
        )
        line = one_line_error(result)
        assert "password refused" in line and "at least 15" in line
        assert not Company.objects.filter(name="Initech").exists()

    def test_it_refuses_a_bad_email(self, db_ready):
        result = atom(
            "createcompany",
            "Initech",
            "--owner-email",
            "not-an-email",
            "--password-stdin",
            stdin=GOOD,
        )
        assert "is not an email address" in one_line_error(result)

    def test_it_refuses_an_empty_password_on_stdin(self, db_ready):
        result = atom(
            "createcompany",
            "Initech",
            "--owner-email",
            "boss@initech.example",
            "--password-stdin",
            stdin="\n",
        )
        assert "no password on standard input" in one_line_error(result)

    def test_it_refuses_to_prompt_without_a_terminal(self, db_ready):
        result = atom("createcompany", "Initech", "--owner-email", "boss@initech.example")
        assert "--password-stdin" in one_line_error(result)


class TestCreateUser:
    def test_it_adds_a_user_who_must_change_the_password(self, db_ready, acme):
        result = atom(
            "createuser",
            "--company",
            "acme",
            "--email",
            "new@acme.example",
            "--role",
            "agent",
            "--password-stdin",
            stdin=GOOD,
        )
        assert result.returncode == 0, result.stderr
        user = User.objects.get(email="new@acme.example")
        assert user.role == "agent" and user.must_change_password
        assert AuditEvent.objects.filter(action="user.added", actor_type="operator").exists()

    def test_it_refuses_an_unknown_company(self, db_ready):
        result = atom(
            "createuser",
            "--company",
            "nope",
            "--email",
            "a@b.example",
            "--role",
            "agent",
            "--password-stdin",
            stdin=GOOD,
        )
        assert one_line_error(result) == "CommandError: no company with the slug 'nope'."

    def test_it_refuses_a_duplicate_email(self, db_ready, owner):
        result = atom(
            "createuser",
            "--company",
            "acme",
            "--email",
            owner.email.upper(),
            "--role",
            "agent",
            "--password-stdin",
            stdin=GOOD,
        )
        assert "already exists" in one_line_error(result)

    def test_it_refuses_a_bad_role(self, db_ready, acme):
        result = atom(
            "createuser",
            "--company",
            "acme",
            "--email",
            "a@acme.example",
            "--role",
            "boss",
            "--password-stdin",
            stdin=GOOD,
        )
        assert (
            one_line_error(result)
            == "CommandError: 'boss' is not a role; use one of: owner, admin, agent."
        )

    def test_it_refuses_a_password_below_the_companys_minimum_with_exit_code_1(
        self, db_ready, acme
    ):
        SecurityPolicy.objects.filter(company=acme).update(password_size=30)
        result = atom(
            "createuser",
            "--company",
            "acme",
            "--email",
            "a@acme.example",
            "--role",
            "agent",
            "--password-stdin",
            stdin="twenty-five characters ok",
        )
        line = one_line_error(result, code=1)
        assert "your company requires at least 30" in line
        assert not User.objects.filter(email="a@acme.example").exists()


class TestToken:
    def test_it_rotates_a_leaked_token_now(self, db_ready, acme, acme_token):
        result = atom("token", "rotate", "--company", "acme")
        assert result.returncode == 0, result.stderr
        new = api_tokens.active_token(acme)
        assert (
            new.last4 != acme_token[-4:]
            or new.digest != ApiToken.objects.get(last4=acme_token[-4:]).digest
        )
        assert api_tokens.reveal(new) not in result.stdout
        assert f"ends in {new.last4}" in result.stdout
        old = ApiToken.objects.exclude(id=new.id).get(company=acme)
        assert old.status == TokenStatus.REVOKED
        assert AuditEvent.objects.filter(action="token.rotated", actor_type="operator").exists()

    def test_it_shows_the_new_token_when_asked(self, db_ready, acme):
        result = atom("token", "rotate", "--company", "acme", "--grace", "24h", "--show")
        new = api_tokens.active_token(acme)
        assert api_tokens.reveal(new) in result.stdout
        assert ApiToken.objects.filter(company=acme, status=TokenStatus.GRACE).count() == 1

    def test_it_refuses_a_bad_grace(self, db_ready, acme):
        assert "--grace must be one of" in one_line_error(
            atom("token", "rotate", "--company", "acme", "--grace", "2h")
        )

    def test_it_refuses_an_unknown_company(self, db_ready):
        assert "no company with the slug" in one_line_error(
            atom("token", "rotate", "--company", "nope")
        )


class TestAllowlist:
    def test_it_shows_and_clears_a_list(self, db_ready, acme):
        AllowedAddress.objects.create(company=acme, network="200.1.2.3", label="Office", position=0)
        shown = atom("allowlist", "show", "--company", "acme")
        assert shown.stdout.strip() == "200.1.2.3\tOffice"
        cleared = atom("allowlist", "clear", "--company", "acme")
        assert cleared.returncode == 0
        assert not AllowedAddress.objects.filter(company=acme).exists()
        event = AuditEvent.objects.get(action="security.allowlist_cleared")
        assert event.actor_type == "operator" and event.details == {"removed": ["200.1.2.3"]}

    def test_it_says_when_there_is_no_list(self, db_ready, acme):
        assert "no restriction" in atom("allowlist", "show", "--company", "acme").stdout

    def test_it_refuses_an_unknown_company(self, db_ready):
        assert "no company with the slug" in one_line_error(
            atom("allowlist", "clear", "--company", "nope")
        )


class TestRateLimit:
    def test_it_sets_and_resets_a_companys_limit(self, db_ready, acme):
        assert atom("ratelimit", "--company", "acme", "--set", "500").returncode == 0
        acme.refresh_from_db()
        assert acme.api_rate_limit == 500
        assert "500 requests per second" in atom("ratelimit", "--company", "acme").stdout
        atom("ratelimit", "--company", "acme", "--default")
        acme.refresh_from_db()
        assert acme.api_rate_limit is None

    def test_it_refuses_zero(self, db_ready, acme):
        assert "--set must be from 1" in one_line_error(
            atom("ratelimit", "--company", "acme", "--set", "0")
        )


def test_it_refuses_to_start_without_a_secret_key(db_ready):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATOM_SECRET_KEY")}
    env["DJANGO_SETTINGS_MODULE"] = "atom.settings"
    result = subprocess.run(
        [sys.executable, "-m", "atom.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "ATOM_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "name,value,message",
    [
        (
            "ATOM_DEBUG",
            "maybe",
            "ATOM_DEBUG: expected 1/0, true/false, yes/no or on/off, got 'maybe'.",
        ),
        ("ATOM_TRUSTED_PROXIES", "10.0.0.0/88", "ATOM_TRUSTED_PROXIES:"),
        ("ATOM_EMAIL_PORT", "smtp", "ATOM_EMAIL_PORT: expected a whole number, got 'smtp'."),
        ("ATOM_TOKEN_KEYS", "not-a-key", "ATOM_TOKEN_KEYS:"),
    ],
)
def test_it_names_the_variable_of_a_bad_setting(db_ready, name, value, message):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "atom.settings", name: value}
    result = subprocess.run(
        [sys.executable, "-m", "atom.cli", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
