"""Stage 3: detect the document type from title, issuer, form and content.

STUB: to be replaced by the classifier.
"""

from __future__ import annotations

from .models import DOC_TYPES, Document
from .errors import LegalReviewError


def classify(doc: Document, override: str | None = None) -> Document:
    """Return a copy of ``doc`` with doc_type, confidence and reasons. ``override`` forces the type."""
    if override:
        if override not in DOC_TYPES:
            raise LegalReviewError(f"未知的文件类型「{override}」，可选：{', '.join(DOC_TYPES)}", cause="unknown doc_type")
        return doc.model_copy(update={"doc_type": override, "doc_type_confidence": 1.0,
                                      "doc_type_reasons": ["用户指定"], "doc_type_overridden": True})
    return doc.model_copy(update={"doc_type": "other", "doc_type_confidence": 0.0, "doc_type_reasons": []})
