"""Library exceptions. Every message is Chinese for the user, with the English cause appended.

The CLI prints ``str(exc)`` (no traceback) and exits with status 2 for input and rule errors.
"""

from __future__ import annotations

from pathlib import Path


class LegalReviewError(Exception):
    """Base class of every error legalreview raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, cause: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.cause = cause
        super().__init__(self.__str__())

    def __str__(self) -> str:  # 「文件 X：消息（cause: ...）」
        head = f"文件「{self.path}」：" if self.path else ""
        tail = f"（cause: {self.cause}）" if self.cause else ""
        return f"{head}{self.message}{tail}"


class InputError(LegalReviewError):
    """An input document cannot be read: empty, unsupported, corrupt, too large, hostile."""


class UnsupportedFormatError(InputError):
    pass


class ConversionError(InputError):
    """A legacy format (.doc/.wps/.rtf/.odt) needs LibreOffice, which is missing or failed."""


class RuleError(LegalReviewError):
    """A rule pack is malformed or its examples fail. Names the file, the rule id and the field."""

    def __init__(self, message: str, *, path=None, rule_id: str | None = None, field: str | None = None,
                 line: int | None = None, cause: str | None = None):
        self.rule_id = rule_id
        self.field = field
        self.line = line
        super().__init__(message, path=path, cause=cause)

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(f"规则文件「{self.path}」" + (f"第{self.line}行" if self.line else ""))
        if self.rule_id:
            where.append(f"规则 {self.rule_id}")
        if self.field:
            where.append(f"字段 {self.field}")
        head = "，".join(where) + "：" if where else ""
        tail = f"（cause: {self.cause}）" if self.cause else ""
        return f"{head}{self.message}{tail}"


class CorpusError(LegalReviewError):
    """The law corpus data is malformed."""


class OutputError(LegalReviewError):
    """An output cannot be written (would overwrite an input, exists without --force, ...)."""


class LedgerError(LegalReviewError):
    """Ledger (审查台账) database problems: unknown id, bad state transition, migration failure."""
