"""Working-day arithmetic for review deadlines (审查期限).

* Statutory holidays and make-up working days (调休上班) come from ``chinesecalendar``. Its data covers
  a fixed range of years (2004–2026 in 1.11); a unit can add a later year's published schedule in
  its configuration (``Calendar``); for a year nothing covers we fall back to Monday–Friday and
  *say so*: every result carries ``fallback=True`` and a Chinese warning.
* Periods are counted from the day after the starting day: 《中华人民共和国民法典》第二百零一条
  「按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算」.
* Review time limits per document type are configuration (``ReviewLimits``). Defaults: major
  decisions at least 7 working days (《重大行政决策程序暂行条例》第二十六条, verified); normative
  documents 5 to 15 working days (国办发〔2018〕115号, not verified against the text, so
  configurable); the other types have unverified working defaults that a unit should set itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # the module is named chinese_calendar; the PyPI distribution is chinesecalendar
    import chinese_calendar as _cc
except ImportError:  # pragma: no cover - declared dependency
    _cc = None

FALLBACK_WARNING = "{years}年的法定节假日和调休安排尚未收录（chinesecalendar 数据未覆盖），已按周一至周五为工作日推算，请人工核对。"


@dataclass(frozen=True)
class WorkdayResult:
    """A date reached by counting working days, and whether any year had to fall back to Mon–Fri."""

    date: dt.date
    fallback: bool = False
    fallback_years: tuple[int, ...] = ()

    @property
    def warnings(self) -> list[str]:
        if not self.fallback:
            return []
        return [FALLBACK_WARNING.format(years="、".join(str(y) for y in self.fallback_years))]


@dataclass(frozen=True)
class Calendar:
    """Holiday data: ``chinesecalendar``, overlaid with a unit's own schedule for years the library
    does not cover yet (the State Council publishes each year's schedule late in the year before)::

        calendar:
          years: [2027]                      # these years are fully described below
          holidays: [2027-01-01, 2027-02-05]  # days off (法定节假日)
          workdays: [2027-02-14]              # make-up working days (调休上班)
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_workday(self, day: dt.date) -> tuple[bool, bool]:
        """``(is_working_day, covered)``: ``covered`` is False when no data covers that year and the
        answer is the Monday–Friday fallback."""
        if day in self.workdays:
            return True, True
        if day in self.holidays:
            return False, True
        if day.year in self.years:
            return day.weekday() < 5, True
        if _cc is not None:
            try:
                return bool(_cc.is_workday(day)), True
            except NotImplementedError:
                pass
        return day.weekday() < 5, False

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Calendar:
        from .errors import InputError

        if not data:
            return cls()
        try:
            days = {k: frozenset(d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))
                                 for d in data.get(k) or []) for k in ("holidays", "workdays")}
            years = frozenset(int(y) for y in data.get("years") or [])
        except (TypeError, ValueError) as e:
            raise InputError("节假日配置（calendar）格式错误：日期应为 YYYY-MM-DD，years 为年份列表", cause=str(e)) from e
        return cls(days["holidays"], days["workdays"], years)


DEFAULT_CALENDAR = Calendar()


def is_workday(day: dt.date, calendar: Calendar | None = None) -> tuple[bool, bool]:
    """``(is_working_day, covered)``, see ``Calendar.is_workday``."""
    return (calendar or DEFAULT_CALENDAR).is_workday(day)


def add_workdays(start: dt.date, n: int, calendar: Calendar | None = None) -> WorkdayResult:
    """The date on which the ``n``-th working day after ``start`` falls (``start`` itself not counted).

    ``n == 0`` returns ``start``. Negative ``n`` counts backwards (the ``|n|``-th working day before).
    """
    cal = calendar or DEFAULT_CALENDAR
    if isinstance(start, dt.datetime):
        start = start.date()
    step = 1 if n >= 0 else -1
    left, d, missing = abs(n), start, set()
    while left:
        d += dt.timedelta(days=step)
        work, covered = cal.is_workday(d)
        if not covered:
            missing.add(d.year)
        if work:
            left -= 1
    return WorkdayResult(d, bool(missing), tuple(sorted(missing)))


def count_workdays(start: dt.date, end: dt.date, calendar: Calendar | None = None) -> tuple[int, tuple[int, ...]]:
    """``(number of working days in (start, end], years that fell back to Mon–Fri)``."""
    cal = calendar or DEFAULT_CALENDAR
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    n, d, missing = 0, start, set()
    while d < end:
        d += dt.timedelta(days=1)
        work, covered = cal.is_workday(d)
        if not covered:
            missing.add(d.year)
        n += work
    return sign * n, tuple(sorted(missing))


# ----------------------------------------------------------------------------- review time limits


@dataclass(frozen=True)
class ReviewLimit:
    """The review period of a document type, in working days counted from the day after receipt."""

    due_days: int  # the ledger's due date: received + due_days working days
    min_days: int | None = None  # the review must be given at least this many working days
    max_days: int | None = None  # the review should not take longer than this
    basis: str = ""
    verified: bool = False  # True only where the figure was checked against the text of the rule


DEFAULT_LIMITS: dict[str, ReviewLimit] = {
    "major_decision": ReviewLimit(
        due_days=7, min_days=7, basis="《重大行政决策程序暂行条例》第二十六条：送请合法性审查，应当保证必要的审查时间，一般不少于7个工作日",
        verified=True),
    "normative_document": ReviewLimit(
        due_days=15, min_days=5, max_days=15,
        basis="《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）：一般不少于5个工作日、最长不超过15个工作日（未核对原文，可配置）"),
    "party_normative_document": ReviewLimit(due_days=10, basis="默认值（未核实，请按本单位规定配置）"),
    "agency_contract": ReviewLimit(due_days=10, basis="默认值（未核实，请按本单位规定配置）"),
    "enforcement_decision": ReviewLimit(due_days=10, basis="默认值（未核实，请按本单位规定配置）"),
    "village_rules": ReviewLimit(due_days=10, basis="默认值（未核实，请按本单位规定配置）"),
    "other": ReviewLimit(due_days=10, basis="默认值（未核实，请按本单位规定配置）"),
}
DUE_SOON_DAYS = 2  # working days left at which a request is listed as 即将到期


@dataclass
class ReviewLimits:
    limits: dict[str, ReviewLimit] = field(default_factory=lambda: dict(DEFAULT_LIMITS))
    due_soon_days: int = DUE_SOON_DAYS
    calendar: Calendar = DEFAULT_CALENDAR

    def for_type(self, doc_type: str | None) -> ReviewLimit:
        return self.limits.get(doc_type or "other") or self.limits["other"]

    def due_date(self, received: dt.date, doc_type: str | None) -> WorkdayResult:
        return add_workdays(received, self.for_type(doc_type).due_days, self.calendar)

    def workdays_left(self, today: dt.date, due: dt.date) -> tuple[int, tuple[int, ...]]:
        return count_workdays(today, due, self.calendar)

    @classmethod
    def load(cls, source: str | Path | dict[str, Any] | None = None) -> ReviewLimits:
        """Defaults, overlaid with a YAML/JSON file or dict::

            due_soon_days: 2
            calendar: {years: [2027], holidays: [...], workdays: [...]}   # see Calendar
            limits:
              normative_document: {due_days: 10, min_days: 5, max_days: 15}
              agency_contract: {due_days: 5}
        """
        from .errors import InputError

        out = cls()
        if source is None:
            return out
        if isinstance(source, (str, Path)):
            import yaml

            p = Path(source)
            try:
                data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as e:
                raise InputError("无法读取审查期限配置", path=p, cause=str(e)) from e
        else:
            data = source
        if not isinstance(data, dict):
            raise InputError("审查期限配置应为映射（limits: {类型: {due_days: N}}）", cause="limits config is not a mapping")
        if data.get("calendar"):
            out.calendar = Calendar.from_dict(data["calendar"])
        if "due_soon_days" in data:
            out.due_soon_days = int(data["due_soon_days"])
        for t, v in (data.get("limits") or {}).items():
            base = out.limits.get(t, DEFAULT_LIMITS["other"])
            if not isinstance(v, dict) or "due_days" not in v and "min_days" not in v and "max_days" not in v:
                raise InputError(f"审查期限配置中「{t}」应包含 due_days/min_days/max_days", cause="bad limit entry")
            out.limits[t] = ReviewLimit(
                due_days=int(v.get("due_days", base.due_days)),
                min_days=v.get("min_days", base.min_days),
                max_days=v.get("max_days", base.max_days),
                basis=str(v.get("basis", "本单位配置")),
                verified=bool(v.get("verified", False)),
            )
        return out
