"""Strict parsing of the environment variables that configure Atom.

A mistyped value must stop start-up with a message naming the variable, never
fall back to a default silently: an operator who writes ``ATOM_DEBUG=ofF`` or
``ATOM_TRUSTED_PROXIES=10.0.0.0/88`` has to learn it before the first request,
not after a breach. Every secret can also come from ``NAME_FILE`` (Docker and
Kubernetes secrets, systemd credentials) so it need not sit in the process
environment.

Framework-free: settings.py calls these once, at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(Exception):
    """A variable is set to a value Atom cannot use. The message names it."""


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        value = self.raw(name)
        return default if value is None else value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ConfigError(f"{name}: expected 1/0, true/false, yes/no or on/off, got {value!r}.")

    def integer(self, name: str, default: int, *, minimum: int, maximum: int) -> int:
        value = self.raw(name)
        if value is None:
            return default
        if not (value.isascii() and value.isdigit()):
            raise ConfigError(f"{name}: expected a whole number, got {value!r}.")
        number = int(value)
        if not minimum <= number <= maximum:
            raise ConfigError(f"{name}: must be between {minimum} and {maximum}, got {number}.")
        return number

    def items(self, name: str, default: list[str]) -> list[str]:
        value = self.raw(name)
        if value is None:
            return list(default)
        items = [item.strip() for item in value.split(",")]
        if any(item == "" for item in items):
            raise ConfigError(f"{name}: empty item in a comma-separated list.")
        return items

    def secret(self, name: str) -> str | None:
        """The value of NAME, or the contents of the file named by NAME_FILE.

        Setting both is refused: the operator would not know which one wins.
        The value itself never appears in an error message.
        """
        direct = self.raw(name)
        file_name = self.raw(f"{name}_FILE")
        if direct is not None and file_name is not None:
            raise ConfigError(f"{name} and {name}_FILE are both set; set only one.")
        if file_name is None:
            return direct
        try:
            content = Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_name}: {exc.strerror}.") from None
        if content == "":
            raise ConfigError(f"{name}_FILE: {file_name} is empty.")
        return content

    def parsed(self, name: str, parse: Callable[[str], T], default: T) -> T:
        """Parse NAME with ``parse``; any ValueError it raises names the variable."""
        value = self.raw(name)
        if value is None:
            return default
        try:
            return parse(value)
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}") from None
