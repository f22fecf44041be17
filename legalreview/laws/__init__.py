"""Law corpus and citation checking.

STUB: to be replaced by the corpus loader and citation checker. Stable interface:

    check_citations(text, as_of=None, doc_date=None) -> list[Citation]
"""

from __future__ import annotations

import datetime as dt

from ..models import Citation


def check_citations(text: str, as_of: dt.date | None = None, doc_date: dt.date | None = None) -> list[Citation]:
    return []
