"""The milestones' P80 dates as an iCalendar file (RFC 5545) for people who live in calendars.

Each milestone is an all-day VEVENT on its P80 date. UIDs come from the plan name and the
milestone id (and scenario), and DTSTAMP from the plan's as_of (or start), so re-exporting
updates events in place instead of duplicating them, and the same plan gives the same bytes.
Milestones that are never finished in 20% of futures or more have no P80 date and are left out.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from roadmap_tui.report.common import ReportData, fmt_date, fmt_pct

PRODID = "-//roadmap-tui//roadmap export//EN"


def escape_text(text: str) -> str:
    """TEXT value escaping of RFC 5545 section 3.3.11."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # inside a multi-byte char
            cut -= 1
        parts.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74  # continuation lines start with one space
    return "\r\n ".join(parts)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def write_ics(data: ReportData) -> str:
    plan, fc = data.plan, data.forecast
    stamp = (plan.as_of or plan.start).strftime("%Y%m%dT000000Z")
    suffix = f"-{slug(data.scenario)}" if data.scenario else ""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(data.title + ' milestones (P80)')}",
    ]
    for item_id in data.milestones:
        item, f = plan.item(item_id), fc.items[item_id]
        if f.finish.p80 is None:
            continue
        details = [
            f"P50 {fmt_date(f.finish.p50)}, P80 {fmt_date(f.finish.p80)}, "
            f"P95 {fmt_date(f.finish.p95)}",
            f"P(success) {fmt_pct(f.p_success)}",
        ]
        if item.target is not None:
            details.append(f"target {item.target.isoformat()}, P(on time) {fmt_pct(f.p_on_time)}")
        details.append(f"forecast: {fc.runs} runs, seed {fc.seed}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{slug(plan.name)}-{item_id}{suffix}@roadmap-tui",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(f.finish.p80)}",
            f"DTEND;VALUE=DATE:{_day(f.finish.p80 + timedelta(days=1))}",
            f"SUMMARY:{escape_text(item.title + ' (P80)')}",
            f"DESCRIPTION:{escape_text(chr(10).join(details))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
