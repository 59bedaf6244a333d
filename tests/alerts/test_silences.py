from __future__ import annotations

import pytest

from alerts import Silence, add_silence, expire_silence
from alerts.silences import active_silences

DETECTIONS = [{"pattern": "ultimatum", "countries": ["VE"], "actor": "Nicolás Maduro", "target": "Guyana"}]


class TestSilenceMatching:
    def test_all_set_matchers_must_hold(self):
        silence = Silence(id="s", starts_at=0, ends_at=10, pattern="ultimatum", country="VE")
        assert silence.matches("desk", DETECTIONS)
        assert not Silence(id="s", starts_at=0, ends_at=10, pattern="ultimatum", country="FR").matches(
            "desk", DETECTIONS
        )

    def test_actor_matcher_ignores_case_and_accents(self):
        assert Silence(id="s", starts_at=0, ends_at=10, actor="nicolas maduro").matches("desk", DETECTIONS)

    def test_subscription_matcher(self):
        silence = Silence(id="s", starts_at=0, ends_at=10, subscription_id="night")
        assert not silence.matches("desk", DETECTIONS) and silence.matches("night", DETECTIONS)

    def test_active_window(self):
        silence = Silence(id="s", starts_at=5, ends_at=10, pattern="x")
        assert [silence.active(t) for t in (4, 5, 9.9, 10)] == [False, True, True, False]


class TestSilenceStore:
    async def test_add_list_and_expire(self, db):
        silence = await add_silence(db, starts_at=0, ends_at=100, country="ve", comment="drill")
        async with db.sessions() as session:
            assert [s.id for s in await active_silences(session, 50)] == [silence.id]
        assert await expire_silence(db, silence.id, now=60)
        async with db.sessions() as session:
            assert await active_silences(session, 61) == []
        assert not await expire_silence(db, "sil_missing", now=0)

    async def test_refuses_a_silence_that_matches_everything_or_nothing(self, db):
        with pytest.raises(ValueError):
            await add_silence(db, starts_at=0, ends_at=10)
        with pytest.raises(ValueError):
            await add_silence(db, starts_at=10, ends_at=10, pattern="x")
