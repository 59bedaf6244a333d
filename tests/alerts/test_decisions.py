"""The alerter keeps the stories service's latest decision per story, and an older signal
arriving late (a replay) does not overwrite a newer one, whatever the signals' times say."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alerts.decisions import grade_of_signal, recall, remember
from models import OutletRef
from services.platform.storage import open_database
from tests.alerts.factories import detection, signal

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def story_signal(corroboration: int, at: datetime):
    outlets = [OutletRef(name=f"o{i}.example", independent=True, counted_as="origin") for i in range(corroboration)]
    return signal(detection()).model_copy(
        update={
            "story_id": "story_x",
            "corroboration": corroboration,
            "outlets": outlets,
            "created_at": at,
            "severity": "urgent" if corroboration >= 3 else "alert",
        }
    )


async def test_latest_decision_wins_and_a_late_older_one_is_ignored(tmp_path) -> None:
    db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'd.db'}")
    try:
        await db.create_schema()
        # Signal times are those of the triggering articles' fetches, not of the decisions:
        # the newest decision (3 outlets) may carry the earliest time.
        for n, (corroboration, minutes) in enumerate(((1, 5), (3, 0), (2, 10))):  # the 2-outlet one is a replay
            sig = story_signal(corroboration, T0 + timedelta(minutes=minutes))
            async with db.sessions() as session, session.begin():
                await remember(session, "story_x", grade_of_signal(sig), 1000.0 + n)
        async with db.sessions() as session:
            grade = await recall(session, "story_x")
        assert grade is not None and grade.corroboration == 3 and grade.severity == "urgent"
        assert [o["name"] for o in grade.outlets] == ["o0.example", "o1.example", "o2.example"]
        assert grade_of_signal(signal(detection())) is None  # a signal without a story decision
    finally:
        await db.close()
