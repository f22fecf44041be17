"""Law corpus and citation checking.

Stable interface (used by the rule engine's ``citation`` matcher)::

    check_citations(text, as_of=None, doc_date=None) -> list[Citation]

``load_corpus()`` returns the corpus (corpora/laws/laws.json, validated and cached once per process).
"""

from __future__ import annotations

from .citations import check_citations, extract, resolve
from .corpus import Corpus, LawEntry, Version, key, load_corpus

__all__ = ["check_citations", "extract", "resolve", "Corpus", "LawEntry", "Version", "key", "load_corpus"]
