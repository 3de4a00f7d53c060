"""Lists in the Atom API: ``?limit=&offset=``, answered as ``{"items": [...], "count": n}``."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 100
# Far beyond any real list, and within every database's OFFSET range: an
# absurd offset is a 400, not a database error.
MAX_OFFSET = 1_000_000_000


class Pages(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (1 to 100).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
