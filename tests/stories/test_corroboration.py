"""Corroboration as an editor counts it: outlets, copies, state media, the denied agency."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from models import Detection, DocumentRef
from models.ids import stable_id
from models.story import DetectionEvent
from services.stories import apply_detection, load_severity_policy, story_key
from services.stories.corroboration import load_state_media
from services.stories.outlets import outlet_of, registrable_domain
from services.stories.parties import acting_countries, own_countries

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WIRE = (
    "Russia has deployed about 40,000 troops and armoured units near the border with Finland, "
    "satellite images show, in the largest build-up there since 2022."
)
STATE = "Russia has moved troops to its north-western border with Finland in response to NATO exercises."
REWRITE = (
    "Satellite pictures reviewed by analysts suggest that Russia has massed tens of thousands of "
    "soldiers and tanks close to Finland's eastern frontier."
)


@pytest.fixture(scope="module")
def policy():
    return load_severity_policy()


def event(
    url: str,
    sentence: str,
    minutes: float = 0,
    source_id: str = "feed",
    actor: str = "Russia",
    countries=("RU", "FI"),
    agency: str | None = None,
    pattern: str = "military_buildup",
) -> DetectionEvent:
    detection = Detection(
        pattern=pattern,
        sentence=sentence,
        start=0,
        end=len(sentence),
        actor=actor,
        agency=agency,
        countries=list(countries),
        confidence=0.85,
        rule="test",
    )
    document = DocumentRef(id=stable_id("doc_", url), source_id=source_id, url=url)
    return DetectionEvent(
        id=stable_id("det_", document.id, pattern),
        story_key=story_key(pattern, actor, list(countries)),
        document=document,
        detection=detection,
        outlet=outlet_of(url, source_id),
        observed_at=T0 + timedelta(minutes=minutes),
    )


def run(events, policy):
    stories, changes = [], []
    for item in events:
        stories, change = apply_detection(stories, item, policy)
        changes.append(change)
    return stories, changes


class TestOutlets:
    def test_an_outlet_is_the_registrable_domain_or_the_account(self) -> None:
        assert outlet_of("https://www.reuters.com/world/europe/x", "reuters-feed") == "reuters.com"
        assert outlet_of("https://news.bbc.co.uk/2/hi/x.stm", "bbc") == "bbc.co.uk"
        assert outlet_of("https://bsky.app/profile/kremlin.ru/post/3k", "bsky") == "bsky.app/@kremlin.ru"
        assert outlet_of("https://mastodon.social/@AFP/1123", "masto") == "mastodon.social/@afp"
        assert outlet_of(None, "wire-feed") == "wire-feed"
        assert registrable_domain("edition.cnn.com") == "cnn.com"

    def test_feed_id_and_domain_of_one_article_are_one_outlet(self, policy) -> None:
        a = event("https://www.reuters.com/a", WIRE, source_id="reuters-world")
        b = event("https://reuters.com/b", WIRE + " More follows.", 3, source_id="reuters-europe")
        stories, changes = run([a, b], policy)
        assert changes[-1].kind == "unchanged"  # a second article of the same outlet adds nothing
        assert stories[0].independent_outlets == ["reuters.com"]
        assert len(stories[0].documents) == 2


class TestFourOutlets:
    def test_wire_copy_state_agency_and_rewrite_corroborate_twice(self, policy) -> None:
        stories, changes = run(
            [
                event("https://www.theguardian.com/world/russia-finland", WIRE, 0),  # the copy, seen first
                event("https://www.reuters.com/world/europe/russia-finland", WIRE, 2),
                event("https://tass.com/defense/1", STATE, 4),
                event("https://www.bbc.co.uk/news/world-europe-1", REWRITE, 6),
            ],
            policy,
        )
        signal = changes[-1].signal
        assert len(stories) == 1
        assert signal.corroboration == 2
        counted = {o.name: (o.counted_as, o.independent, o.copy_of) for o in signal.outlets}
        assert counted == {
            "reuters.com": ("origin", True, None),
            "bbc.co.uk": ("origin", True, None),
            "theguardian.com": ("copy", False, "reuters.com"),
            "tass.com": ("state_media", False, None),
        }
        assert signal.severity == "urgent"  # two independent outlets, one of them a wire
        assert signal.severity_reason == "2 independent outlets (1 wire); not counted: 1 copy, 1 state media"

    def test_state_media_of_another_government_do_count(self, policy) -> None:
        _, changes = run([event("https://tass.com/world/2", WIRE, 0, actor="China", countries=("CN", "FI"))], policy)
        assert changes[0].signal.outlets[0].counted_as == "origin"

    def test_three_articles_from_a_blog_ap_and_tass_are_not_flash(self, policy) -> None:
        denial = "Russia's foreign ministry dismissed the AP report as fabricated."
        _, changes = run(
            [
                event(
                    "https://someblog.example/post", denial, 0, agency="AP", countries=("RU",), pattern="wire_denial"
                ),
                event(
                    "https://apnews.com/article/x",
                    denial + " The agency stands by it.",
                    1,
                    agency="AP",
                    countries=("RU",),
                    pattern="wire_denial",
                ),
                event(
                    "https://tass.ru/politika/3",
                    "The Russian foreign ministry denied the Associated Press claims.",
                    2,
                    agency="AP",
                    countries=("RU",),
                    pattern="wire_denial",
                ),
            ],
            policy,
        )
        signal = changes[-1].signal
        assert signal.corroboration == 1  # AP's copy of the blog's sentence is one origin (AP), TASS is Russia's
        assert {o.name: o.counted_as for o in signal.outlets} == {
            "apnews.com": "origin",
            "someblog.example": "copy",
            "tass.ru": "state_media",
        }
        assert signal.severity != "flash"

    def test_the_denied_agency_is_not_a_source_unless_it_published(self, policy) -> None:
        denial = "Russia's foreign ministry dismissed the Reuters report as fabricated."
        _, changes = run(
            [event("https://someblog.example/p", denial, agency="Reuters", countries=("RU",), pattern="wire_denial")],
            policy,
        )
        assert changes[0].signal.corroboration == 1
        assert [o.name for o in changes[0].signal.outlets] == ["someblog.example"]
        assert changes[0].signal.severity == "alert"  # naming Reuters does not make it a wire story


class TestStateMediaFile:
    def test_the_default_list_names_the_usual_agencies(self) -> None:
        media = load_state_media()
        assert media.controls("RU", "tass.com") and media.controls("CN", "xinhuanet.com")
        assert media.controls("IR", "irna.ir") and media.controls("KP", "kcna.kp") and media.controls("BY", "belta.by")
        assert not media.controls("RU", "reuters.com")

    def test_an_edited_file_replaces_the_list(self, tmp_path) -> None:
        path = tmp_path / "media.yaml"
        path.write_text("FI: [yle.fi]\n")
        assert load_state_media(path).controls("FI", "yle.fi")
        assert not load_state_media(path).controls("RU", "tass.com")


class TestBriefing:
    SENTENCE = "Pakistan's foreign office called the Reuters story baseless."

    def test_only_the_sentence_own_parties_remain(self) -> None:
        leaked = Detection(
            pattern="wire_denial",
            sentence=self.SENTENCE,
            start=0,
            end=10,
            actor="Pakistan's foreign office",
            target="Reuters story",
            agency="Reuters",
            countries=["PK", "VE"],
            confidence=0.85,
            rule="t",
        )
        assert own_countries(leaked) == ["PK"]
        assert acting_countries(leaked) == ["PK"]

    def test_the_signal_carries_the_cleaned_countries(self, policy) -> None:
        item = event(
            "https://dawn.com/news/1",
            self.SENTENCE,
            actor="Pakistan's foreign office",
            countries=("PK", "VE"),
            agency="Reuters",
            pattern="wire_denial",
        )
        _, changes = run([item], policy)
        assert changes[0].signal.detections[0].countries == ["PK"]
        assert changes[0].story.countries == ["PK"]
