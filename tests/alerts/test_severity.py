from __future__ import annotations

from alerts.severity import is_wire_agency, severity_for


class TestWireAgency:
    def test_recognises_agencies_by_name_and_source_id(self):
        assert is_wire_agency("Reuters")
        assert is_wire_agency("reuters-world")
        assert is_wire_agency("apnews.com")
        assert is_wire_agency("Agence France-Presse")

    def test_ignores_other_outlets(self):
        assert not is_wire_agency("el-pais")
        assert not is_wire_agency("sap-news")
        assert not is_wire_agency(None)


class TestSeverityRule:
    def test_one_source_is_an_alert(self):
        assert severity_for(["el-pais"], []) == "alert"

    def test_same_source_twice_is_not_corroboration(self):
        assert severity_for(["el-pais", "EL-PAIS"], []) == "alert"

    def test_three_independent_sources_are_urgent(self):
        assert severity_for(["a", "b", "c"], []) == "urgent"

    def test_a_wire_agency_makes_it_urgent(self):
        assert severity_for(["el-pais"], ["Reuters"]) == "urgent"
        assert severity_for(["reuters-world"], []) == "urgent"

    def test_five_independent_sources_are_flash(self):
        assert severity_for(["a", "b", "c", "d", "e"], []) == "flash"

    def test_never_lowers_the_upstream_grade(self):
        assert severity_for(["a"], [], floor="flash") == "flash"
