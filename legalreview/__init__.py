"""legalreview: rules-based legality review (合法性审查) of township documents in Zhejiang.

Pipeline: ingest → structure → classify → match rules → findings → reports.

    >>> import legalreview
    >>> report = legalreview.review("村规民约.docx")          # doctest: +SKIP
    >>> print(report.model_dump_json(indent=2))               # doctest: +SKIP

Public API (lazy imports keep ``import legalreview`` cheap):
    load(path) -> Document
    review(path_or_document, doc_type=None, rules=None, ...) -> ReviewReport
    review_many(paths, workers=None, rules=None, ...) -> iterator of BatchItem
    write_opinion(report, path, **options) -> Path
    annotate(report, path, source=None) -> Path
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "load": "legalreview.ingest:load",
    "review": "legalreview.pipeline:review",
    "review_text": "legalreview.pipeline:review_text",
    "review_many": "legalreview.batch:review_many",
    "write_opinion": "legalreview.reports.opinion:write_opinion",
    "annotate": "legalreview.reports.annotate:annotate",
    "load_rules": "legalreview.engine:load_pack",
    "check_citations": "legalreview.laws:check_citations",
    "Document": "legalreview.models:Document",
    "ReviewReport": "legalreview.models:ReviewReport",
    "Finding": "legalreview.models:Finding",
    "Basis": "legalreview.models:Basis",
    "LegalReviewError": "legalreview.errors:LegalReviewError",
    "InputError": "legalreview.errors:InputError",
    "RuleError": "legalreview.errors:RuleError",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover
    from .errors import InputError, LegalReviewError, RuleError
    from .ingest import load
    from .models import Basis, Document, Finding, ReviewReport
    from .pipeline import review, review_text


def __getattr__(name: str):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'legalreview' has no attribute {name!r}")
    mod, attr = target.split(":")
    value = getattr(import_module(mod), attr)
    globals()[name] = value
    return value
