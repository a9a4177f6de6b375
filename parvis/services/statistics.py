"""The moderation dashboard's figures over the last N days of the publisher's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from parvis.errors import Invalid
from parvis.services.runtime import Runtime
from parvis.store import stats

DEFAULT_DAYS = 30
MAX_DAYS = 366
_OUTCOME = {
    "approve": "approve",
    "auto-approve": "approve",
    "reject": "reject",
    "auto-reject": "reject",
}


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    value: int


@dataclass(frozen=True, slots=True)
class RuleRow:
    rule: str  # "none": decided with no rule flagged
    approved: int
    rejected: int
    automatic: int
    human: int

    @property
    def total(self) -> int:
        return self.approved + self.rejected


@dataclass(frozen=True, slots=True)
class Statistics:
    days: int
    first: date
    last: date
    timezone: str
    comments: list[Day]
    reports: list[Day]
    queue: list[Day]  # comments waiting at the end of each day
    rules: list[RuleRow]
    automatic: int  # decisions taken by the charter
    human: int  # decisions taken by moderators
    median_seconds: float | None  # posting -> a person's decision

    @property
    def automatic_share(self) -> float | None:
        total = self.automatic + self.human
        return self.automatic / total if total else None


def parse_days(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_DAYS
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise Invalid("days must be between 1 and {n}", field="days", n=MAX_DAYS)
    return int(value)


def day_bounds(rt: Runtime, days: int) -> tuple[list[date], list[datetime]]:
    """The last `days` local days, today included, and their N+1 boundaries in UTC."""
    tz = ZoneInfo(rt.settings.site.timezone)
    today = rt.now().astimezone(tz).date()
    dates = [today - timedelta(days=days - 1 - i) for i in range(days)]
    bounds = [
        datetime.combine(d, time(), tzinfo=tz).astimezone(UTC)
        for d in [*dates, today + timedelta(days=1)]
    ]
    return dates, bounds


def statistics(rt: Runtime, days: int = DEFAULT_DAYS) -> Statistics:
    dates, bounds = day_bounds(rt, days)
    start, end = bounds[0], bounds[-1]
    with rt.db.read() as conn:
        posted = stats.comments_per_day(conn, bounds)
        reported = stats.reports_per_day(conn, bounds)
        flow = stats.queue_flow(conn, bounds)
        decisions = stats.decisions_by_rule(conn, start, end)
        median = stats.median_decision_seconds(conn, start, end)
    waiting, queue = flow.before, []
    for entered, left in zip(flow.entered, flow.left, strict=True):
        waiting += entered - left
        queue.append(waiting)
    return Statistics(
        days=days,
        first=dates[0],
        last=dates[-1],
        timezone=rt.settings.site.timezone,
        comments=[Day(d, n) for d, n in zip(dates, posted, strict=True)],
        reports=[Day(d, n) for d, n in zip(dates, reported, strict=True)],
        queue=[Day(d, n) for d, n in zip(dates, queue, strict=True)],
        rules=_by_rule(decisions),
        automatic=sum(d.count for d in decisions if d.automatic),
        human=sum(d.count for d in decisions if not d.automatic),
        median_seconds=median,
    )


def _by_rule(decisions: list[stats.RuleDecisions]) -> list[RuleRow]:
    rows: dict[str, dict[str, int]] = {}
    for d in decisions:
        row = rows.setdefault(
            d.rule or "none", {"approve": 0, "reject": 0, "automatic": 0, "human": 0}
        )
        row[_OUTCOME[d.action]] += d.count
        row["automatic" if d.automatic else "human"] += d.count
    result = [
        RuleRow(rule, r["approve"], r["reject"], r["automatic"], r["human"])
        for rule, r in rows.items()
    ]
    return sorted(result, key=lambda r: (-r.total, r.rule))


def as_json(s: Statistics) -> dict[str, Any]:
    """The dashboard's figures for /mod/stats.json."""
    share = s.automatic_share
    return {
        "days": s.days,
        "from": s.first.isoformat(),
        "to": s.last.isoformat(),
        "timezone": s.timezone,
        "comments_per_day": [{"day": d.day.isoformat(), "count": d.value} for d in s.comments],
        "reports_per_day": [{"day": d.day.isoformat(), "count": d.value} for d in s.reports],
        "queue_per_day": [{"day": d.day.isoformat(), "pending": d.value} for d in s.queue],
        "decisions_per_rule": [
            {
                "rule": r.rule,
                "approved": r.approved,
                "rejected": r.rejected,
                "automatic": r.automatic,
                "human": r.human,
                "total": r.total,
            }
            for r in s.rules
        ],
        "decisions": {
            "automatic": s.automatic,
            "human": s.human,
            "automatic_share": round(share, 4) if share is not None else None,
        },
        "median_decision_seconds": round(s.median_seconds, 1)
        if s.median_seconds is not None
        else None,
    }
