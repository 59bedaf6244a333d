from __future__ import annotations

from alerts.matching import contains_term, matching_detections
from tests.alerts.factories import detection, signal, subscription


class TestContainsTerm:
    def test_whole_words_case_and_accent_insensitive(self):
        assert contains_term("Nicolás MADURO spoke", "nicolas maduro")
        assert not contains_term("ultimatums", "ultimatum")


class TestMatchingDetections:
    def test_empty_filters_match_anything(self):
        assert matching_detections(subscription("s"), signal(detection()))

    def test_pattern_and_country(self):
        sig = signal(
            detection(pattern="ultimatum", countries=("VE",)), detection(pattern="wire_denial", countries=("RU",))
        )
        found = matching_detections(subscription("s", patterns=["wire_denial"], countries=["ru"]), sig)
        assert [d.pattern for d in found] == ["wire_denial"]

    def test_actor_by_alias(self):
        sub = subscription("s", actors=["Nicolás Maduro"], aliases={"Nicolás Maduro": ["Maduro", "Miraflores"]})
        assert matching_detections(sub, signal(detection(actor="Miraflores")))
        assert matching_detections(sub, signal(detection(actor=None, target="president Maduro")))
        assert not matching_detections(sub, signal(detection(actor="Delcy Rodríguez", target="Guyana")))

    def test_keywords_in_the_evidence(self):
        assert matching_detections(subscription("s", keywords=["Essequibo"]), signal(detection()))
        assert not matching_detections(subscription("s", keywords=["oil"]), signal(detection()))

    def test_minimum_confidence(self):
        assert not matching_detections(subscription("s", min_confidence=0.95), signal(detection(confidence=0.9)))

    def test_sources_and_languages(self):
        sig = signal(detection(), source_id="el-pais", language="es")
        assert matching_detections(subscription("s", sources=["el-pais"], languages=["es"]), sig)
        assert not matching_detections(subscription("s", sources=["bbc"]), sig)
        assert not matching_detections(subscription("s", languages=["en"]), sig)
        assert not matching_detections(subscription("s", languages=["en"]), signal(detection(), language=None))
