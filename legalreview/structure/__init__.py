"""Stage 2: recover structure (title, 文号, issuer, date, 章/节/条/款/项/目, outline headings, contract clauses).

STUB: to be replaced by the structure parser.
"""

from __future__ import annotations

from ..models import Document


def parse(doc: Document) -> Document:
    """Return a copy of ``doc`` with title, doc_number, issuer, date and outline filled in."""
    first = next((b for b in doc.blocks if doc.text[b.start:b.end].strip()), None)
    title = doc.text[first.start:first.end].strip() if first else None
    return doc.model_copy(update={"title": title})
