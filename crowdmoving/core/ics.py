"""A tiny iCalendar (RFC 5545) writer: events and calendars as text, CRLF line endings, long
lines folded at 75 octets, text values escaped. Times are written in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

CRLF = "\r\n"
PRODID = "-//Crowdmoving//Crowdmoving//EN"


def escape(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and line breaks."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (UTF-8), never inside a character;
    continuation lines start with one space."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, 74  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _utc(moment: datetime) -> str:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _lines(lines: Iterable[str]) -> str:
    return "".join(fold(line) + CRLF for line in lines)


def event(
    uid: str,
    start: datetime | None,
    end: datetime | None,
    all_day_date: date | None,
    summary: str,
    description: str = "",
    location: str = "",
    url: str = "",
    *,
    stamp: datetime | None = None,
) -> str:
    """One VEVENT: either from ``start`` (to ``end``, if given) or the whole day
    ``all_day_date``."""
    if start is None and all_day_date is None:
        raise ValueError("An event needs a start or a day.")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(uid)}",
        f"DTSTAMP:{_utc(stamp or timezone.now())}",
    ]
    if start is not None:
        lines.append(f"DTSTART:{_utc(start)}")
        if end is not None:
            lines.append(f"DTEND:{_utc(end)}")
    elif all_day_date is not None:
        lines.append(f"DTSTART;VALUE=DATE:{all_day_date:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{all_day_date + timedelta(days=1):%Y%m%d}")
    lines.append(f"SUMMARY:{escape(summary)}")
    if description:
        lines.append(f"DESCRIPTION:{escape(description)}")
    if location:
        lines.append(f"LOCATION:{escape(location)}")
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return _lines(lines)


def calendar(events: Iterable[str], name: str) -> str:
    """A VCALENDAR holding ``events`` (each the text of ``event()``)."""
    head = _lines(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape(name)}",
        ]
    )
    return head + "".join(events) + _lines(["END:VCALENDAR"])
