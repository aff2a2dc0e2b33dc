"""The tiny iCalendar writer: escaping, CRLF, folding, timed and all-day events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from crowdmoving.core import ics

STAMP = datetime(2031, 5, 1, 8, 0, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_a_timed_event_is_written_in_utc_with_crlf_line_endings():
    text = ics.event(
        "task-1@crowdmoving",
        datetime(2031, 5, 3, 10, 0, tzinfo=UTC),
        datetime(2031, 5, 3, 14, 0, tzinfo=UTC),
        None,
        "Infostand besetzen",
        stamp=STAMP,
    )
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VEVENT"
    assert "DTSTART:20310503T100000Z" in lines
    assert "DTEND:20310503T140000Z" in lines
    assert "DTSTAMP:20310501T080000Z" in lines
    assert "SUMMARY:Infostand besetzen" in lines


def test_an_all_day_event_ends_the_next_day():
    lines = unfold(ics.event("d", None, None, date(2031, 12, 31), "Fest", stamp=STAMP))
    assert "DTSTART;VALUE=DATE:20311231" in lines
    assert "DTEND;VALUE=DATE:20320101" in lines


def test_text_values_are_escaped():
    lines = unfold(
        ics.event("x", STAMP, None, None, "A; B, C\\D", description="one\ntwo", location="Markt, 1")
    )
    assert "SUMMARY:A\\; B\\, C\\\\D" in lines
    assert "DESCRIPTION:one\\ntwo" in lines
    assert "LOCATION:Markt\\, 1" in lines


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character():
    summary = "Müllsammeln am Flussufer " * 10
    text = ics.event("x", STAMP, None, None, summary, stamp=STAMP)
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert f"SUMMARY:{summary}" in unfold(text)


def test_a_calendar_wraps_events_with_a_name():
    event = ics.event("x", STAMP, None, None, "Eins", stamp=STAMP)
    text = ics.calendar([event, event], "Krass; Plattform")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "X-WR-CALNAME:Krass\\; Plattform" in lines
    assert lines.count("BEGIN:VEVENT") == 2
    assert text.endswith("END:VCALENDAR\r\n")


def test_an_event_needs_a_start_or_a_day():
    import pytest

    with pytest.raises(ValueError):
        ics.event("x", None, None, None, "Nichts")
