"""One parser for the ISO dates users type (--as-of, --received, config files)."""

from __future__ import annotations

import datetime as dt

from .errors import LegalReviewError


def as_date(value, what: str, error: type[LegalReviewError] = LegalReviewError) -> dt.date | None:
    """``None``/"" → None; a date or datetime → its date; ``YYYY-MM-DD`` → date; else ``error`` in Chinese."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as e:
        raise error(f"{what}日期格式应为 YYYY-MM-DD，收到「{value}」", cause=str(e)) from e
