"""审查台账: SQLite ledger of review requests with working-day deadlines, stored reports,
resubmission comparisons, law-change impact and .xlsx export. See ``store.Ledger``."""

from __future__ import annotations

from .db import SCHEMA_VERSION, connect, migrate, transaction
from .store import (
    STATUS_LABELS,
    URGENCY_LABELS,
    ImpactRow,
    Ledger,
    Request,
    default_db_path,
    law_key,
)

__all__ = ["SCHEMA_VERSION", "STATUS_LABELS", "URGENCY_LABELS", "ImpactRow", "Ledger", "Request", "connect",
           "default_db_path", "law_key", "migrate", "transaction"]
