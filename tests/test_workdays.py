"""Working days with Chinese holidays and make-up days; fallback outside the calendar's years; limits config."""

from __future__ import annotations

import datetime as dt

import pytest

from legalreview.errors import InputError
from legalreview.workdays import DEFAULT_LIMITS, ReviewLimits, add_workdays, count_workdays, is_workday

D = dt.date


def test_national_day_2026_with_make_up_saturday():
    r = add_workdays(D(2026, 9, 28), 15)
    assert r.date == D(2026, 10, 23)  # a naive Monday-Friday count gives 10-19
    assert not r.fallback and r.warnings == []
    assert is_workday(D(2026, 10, 10)) == (True, True)  # Saturday make-up working day
    assert is_workday(D(2026, 10, 5)) == (False, True)  # National Day holiday, a Monday


def test_first_day_not_counted():
    # received on a Friday: the first working day is the next Monday
    assert add_workdays(D(2026, 6, 5), 1).date == D(2026, 6, 8)
    assert add_workdays(D(2026, 6, 5), 0).date == D(2026, 6, 5)
    # received on a Saturday: the Saturday is not counted either
    assert add_workdays(D(2026, 6, 6), 1).date == D(2026, 6, 8)


def test_spring_festival_2026():
    # 2026 Spring Festival: 02-15..02-23 off, 02-14 and 02-28 (Saturdays) are working days
    assert add_workdays(D(2026, 2, 13), 1).date == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1).date == D(2026, 2, 24)


def test_year_not_covered_falls_back_to_monday_friday_and_says_so():
    r = add_workdays(D(2027, 1, 1), 5)  # Friday 2027-01-01
    assert r.date == D(2027, 1, 8)
    assert r.fallback and r.fallback_years == (2027,)
    assert "2027" in r.warnings[0] and "周一至周五" in r.warnings[0]
    # crossing into the uncovered year from a covered one
    r = add_workdays(D(2026, 12, 30), 3)
    assert r.date == D(2027, 1, 4) and r.fallback_years == (2027,)


def test_count_workdays_inverse_of_add():
    n, fb = count_workdays(D(2026, 9, 28), D(2026, 10, 23))
    assert (n, fb) == (15, ())
    assert count_workdays(D(2026, 10, 23), D(2026, 9, 28))[0] == -15
    assert count_workdays(D(2027, 1, 1), D(2027, 1, 8)) == (5, (2027,))


def test_default_limits_and_config_overlay(tmp_path):
    assert DEFAULT_LIMITS["major_decision"].min_days == 7 and DEFAULT_LIMITS["major_decision"].verified
    nd = DEFAULT_LIMITS["normative_document"]
    assert (nd.min_days, nd.max_days) == (5, 15) and not nd.verified
    cfg = tmp_path / "limits.yaml"
    cfg.write_text("due_soon_days: 3\nlimits:\n  agency_contract: {due_days: 5}\n", encoding="utf-8")
    lim = ReviewLimits.load(cfg)
    assert lim.due_soon_days == 3
    assert lim.for_type("agency_contract").due_days == 5
    assert lim.due_date(D(2026, 9, 28), "agency_contract").date == D(2026, 10, 10)  # make-up Saturday
    assert lim.for_type("normative_document").due_days == 15
    assert lim.for_type(None) == lim.limits["other"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("limits:\n  agency_contract: 5\n", encoding="utf-8")
    with pytest.raises(InputError):
        ReviewLimits.load(bad)


def test_unit_calendar_covers_a_year_the_library_does_not(tmp_path):
    cfg = tmp_path / "limits.yaml"
    cfg.write_text("calendar:\n  years: [2027]\n  holidays: [2027-01-01]\n  workdays: [2027-01-09]\n", encoding="utf-8")
    lim = ReviewLimits.load(cfg)
    # Fri 01-01 off, Sat 01-09 a (made-up, for the test) working day; no fallback any more
    r = add_workdays(D(2026, 12, 31), 5, lim.calendar)
    assert r.date == D(2027, 1, 8) and not r.fallback
    r = add_workdays(D(2027, 1, 7), 2, lim.calendar)
    assert r.date == D(2027, 1, 9)
    assert lim.workdays_left(D(2026, 12, 31), D(2027, 1, 11)) == (7, ())
    # 2028 is still not covered
    assert add_workdays(D(2027, 12, 31), 1, lim.calendar).fallback_years == (2028,)
    bad = tmp_path / "bad.yaml"
    bad.write_text("calendar:\n  holidays: [明年元旦]\n", encoding="utf-8")
    with pytest.raises(InputError, match="节假日配置"):
        ReviewLimits.load(bad)
