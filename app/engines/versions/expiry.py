"""Expiry tracking (spec 05 §4, 08 A8 and B8): what is due, when, and how close.

Windows: GMP certificate 30 days before expiry; test reports (Items 11–13) 60 days before
test date + 12 months; a serious adverse event's §12 report 15 days after the earlier of occurrence
and awareness, counted down until reported; the SA's qualification 60 days before it lapses.
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ExpiryStatus(StrEnum):
    OK = "ok"
    WARNING = "warning"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class ExpiryEntry:
    category: str
    item_number: int | None
    reference: str
    due_date: date
    days_left: int
    status: ExpiryStatus


GMP_WINDOW_DAYS = 30
TEST_REPORT_WINDOW_DAYS = 60
TEST_REPORT_VALIDITY_MONTHS = 12
ADVERSE_EVENT_REPORT_DAYS = 15
SA_QUALIFICATION_WINDOW_DAYS = 60


def add_months(day: date, months: int) -> date:
    """Calendar months; the 29–31st fall back to the month's last day (2024-02-29 + 12 → 02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _entry(
    category: str, item: int | None, reference: str, due: date, window: int, today: date
) -> ExpiryEntry:
    days_left = (due - today).days
    if days_left < 0:
        status = ExpiryStatus.OVERDUE
    elif days_left <= window:
        status = ExpiryStatus.WARNING
    else:
        status = ExpiryStatus.OK
    return ExpiryEntry(category, item, reference, due, days_left, status)


@dataclass(frozen=True)
class SeriousEvent:
    occurred_on: date | None
    became_aware_on: date | None
    reported_on: date | None
    reference: str


def expiry_entries(
    *,
    today: date,
    gmp_expiry: date | None = None,
    test_dates: Iterable[tuple[int, str, date]] = (),
    serious_events: Iterable[SeriousEvent] = (),
    sa_qualified_until: date | None = None,
) -> list[ExpiryEntry]:
    """Every tracked deadline, nearest first. `test_dates` = (item number, reference, test date)."""
    entries: list[ExpiryEntry] = []
    if gmp_expiry is not None:
        entries.append(_entry("gmp", 5, "GMP certificate", gmp_expiry, GMP_WINDOW_DAYS, today))
    for item, reference, tested in test_dates:
        due = add_months(tested, TEST_REPORT_VALIDITY_MONTHS)
        entries.append(_entry("test_report", item, reference, due, TEST_REPORT_WINDOW_DAYS, today))
    for event in serious_events:
        if event.reported_on is not None:
            continue
        starts = [d for d in (event.occurred_on, event.became_aware_on) if d is not None]
        if not starts:
            starts = [today]  # undated serious event: the clock runs from now (fail-safe)
        due = min(starts) + timedelta(days=ADVERSE_EVENT_REPORT_DAYS)
        # the whole 15 days are a countdown: always at least a warning until reported
        entries.append(
            _entry(
                "adverse_event_report", 8, event.reference, due, ADVERSE_EVENT_REPORT_DAYS, today
            )
        )
    if sa_qualified_until is not None:
        entries.append(
            _entry(
                "sa_qualification",
                16,
                "Safety assessor qualification",
                sa_qualified_until,
                SA_QUALIFICATION_WINDOW_DAYS,
                today,
            )
        )
    return sorted(entries, key=lambda e: (e.days_left, e.category, e.reference))
