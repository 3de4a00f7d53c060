"""A fresh database for one benchmark run: a temporary SQLite file, or a
dedicated PostgreSQL database dropped and created on the server that
DATABASE_URL names (never the database it names)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class BenchDatabase:
    url: str
    engine: str  # "sqlite" or "postgresql"
    label: str
    admin_url: str | None = None  # PostgreSQL: where to drop and create it
    name: str | None = None

    def create(self) -> None:
        if self.engine == "postgresql":
            _postgres(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            _postgres(self.admin_url, f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.engine == "postgresql":
            _postgres(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def choose(database_url: str | None, work_dir: Path, postgres_name: str) -> BenchDatabase:
    if not database_url or database_url.startswith("sqlite"):
        path = work_dir / "bench.sqlite3"
        return BenchDatabase(url=f"sqlite:///{path}", engine="sqlite", label="SQLite")
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"bench: DATABASE_URL must be PostgreSQL or SQLite, not {parts.scheme}.")
    if not postgres_name.replace("_", "").isalnum():
        raise SystemExit("bench: --postgres-name must be letters, digits and underscores.")
    bench_url = urlunsplit((parts.scheme, parts.netloc, f"/{postgres_name}", parts.query, ""))
    admin_url = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return BenchDatabase(
        url=bench_url,
        engine="postgresql",
        label="PostgreSQL",
        admin_url=admin_url,
        name=postgres_name,
    )


def server_version(database: BenchDatabase) -> str:
    if database.engine == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(database.url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version}"


def _postgres(url: str | None, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)
