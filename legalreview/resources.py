"""Where the bundled data lives.

In a wheel install, rules/ and corpora/ are shipped inside the package as ``legalreview/_data/``
(pyproject: hatch force-include). In a source checkout or editable install they are the
repository's top-level ``rules/`` and ``corpora/``. Both layouts are supported; the packaged copy wins.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def _data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"legalreview data folder {name!r} not found (looked in {_PKG / '_data'} and {_PKG.parent})")


def rules_dir() -> Path:
    """The bundled rule packs (``rules/``)."""
    return _data_dir("rules")


def corpora_dir() -> Path:
    """The bundled corpora (``corpora/``): law metadata, dictionaries, annotated samples."""
    return _data_dir("corpora")
