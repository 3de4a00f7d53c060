"""The Activity log as CSV or JSON Lines, streamed row by row.

A company's log may hold millions of events. The rows come from the
database a chunk at a time as plain values (no model instances, no result
cache) and leave as text in pieces of about 64 KiB, so the process's memory
stays flat however long the log is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import translation

from atom.audit.sentences import actor_name, describe

# Rows fetched from the database per round trip (a server-side cursor on
# PostgreSQL, fetchmany on SQLite).
CHUNK_ROWS = 2000
# Text handed to the server per write: large enough to keep the socket
# busy, small enough not to matter in memory.
PIECE_CHARS = 64 * 1024

COLUMNS = ("time", "person", "actor_type", "action", "sentence", "details", "address", "user_agent")
_FIELDS = ("created_at", "actor_type", "actor_label", "action", "details", "ip", "user_agent")

# A spreadsheet runs a cell that starts with one of these as a formula
# (OWASP "CSV Injection"): an email like "=HYPERLINK(...)@x.example" or a
# crafted user agent must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# JSON Lines has no registered media type; jsonlines.org suggests this one.
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


def _records(events: QuerySet) -> Iterator[dict]:
    rows = events.values_list(*_FIELDS, named=True).iterator(chunk_size=CHUNK_ROWS)
    for row in rows:
        yield {
            "time": row.created_at.isoformat(),
            "person": actor_name(row),
            "actor_type": row.actor_type,
            "action": row.action,
            "sentence": describe(row),
            "details": row.details,
            "address": row.ip or "",
            "user_agent": row.user_agent,
        }


class _Line:
    """csv.writer's file: hands back each written line instead of keeping it."""

    def write(self, text: str) -> str:
        return text


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_lines(events: QuerySet) -> Iterator[str]:
    writer = csv.writer(_Line())
    # The byte order mark tells Excel the file is UTF-8, so "Contraseña" reads right.
    yield "\ufeff" + writer.writerow(COLUMNS)
    for record in _records(events):
        record["details"] = json.dumps(record["details"], ensure_ascii=False, sort_keys=True)
        yield writer.writerow([_safe_cell(str(record[column])) for column in COLUMNS])


def jsonl_lines(events: QuerySet) -> Iterator[str]:
    for record in _records(events):
        yield json.dumps(record, ensure_ascii=False) + "\n"


def stream(events: QuerySet, fmt: str, *, language: str) -> Iterator[str]:
    """The export's text in pieces, sentences in ``language``.

    The response is written after the view has returned, so the reader's
    language is set again here rather than trusted to still be active.
    """
    lines = csv_lines(events) if fmt == "csv" else jsonl_lines(events)
    with translation.override(language):
        yield from _pieces(lines)


def _pieces(lines: Iterable[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for line in lines:
        buffer.append(line)
        size += len(line)
        if size >= PIECE_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)
