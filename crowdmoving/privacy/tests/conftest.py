"""Privacy texts for the tests: ``privacy_text`` is version 1 of the first platform's text."""

from __future__ import annotations

import pytest

from crowdmoving.privacy import actions


@pytest.fixture
def privacy_text(platform):  # type: ignore[no-untyped-def]
    return actions.publish_text(
        platform,
        body="## Wer wir sind\n\nKrass Plattform verarbeitet **nur**, was nötig ist.",
        summary_of_changes="",
        by=None,
    )


@pytest.fixture
def publish(platform):  # type: ignore[no-untyped-def]
    """publish(body, summary) publishes the first platform's next version."""

    def _publish(body: str, summary: str = "Changed", on=None):  # type: ignore[no-untyped-def]
        return actions.publish_text(on or platform, body=body, summary_of_changes=summary, by=None)

    return _publish
