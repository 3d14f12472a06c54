from pathlib import Path

import pytest
import yaml

from mapk_filter.errors import DataError
from mapk_filter.resources import trial_rules_path
from mapk_filter.rules import load_rules


def test_bundled_rules_hold_the_registered_criteria(rules):
    assert rules.subprotocol == "B"
    assert rules.version == "2025.09-4"
    listed = {r.alteration_type: r for r in rules.listed}
    assert listed["drug_response"].below == 10
    assert {r.gene for r in rules.listed if r.alteration_type == "fusion"} == {"ABL1", "PDGFRB"}
    (bcl2,) = rules.exclusions
    assert bcl2.protein_changes == {"p.Gly101Val", "p.Phe104Leu", "p.Phe104Cys"}
    criteria = {c.id: c for c in rules.clinical}
    assert (criteria["age_at_diagnosis"].min, criteria["age_at_diagnosis"].max) == (1, 18)
    assert criteria["age_at_screening"].below == 21
    assert criteria["performance_score"].min == 50
    assert set(criteria["diagnosis"].one_of) == {"B-ALL", "T-ALL", "B-LBL", "T-LBL"}
    assert rules.routes("KRAS", "hotspot") == ("D",) and rules.routes("IL7R", "hotspot") == ("C",)
    amplification = rules.listed_rule("amplification", "ABL1")
    assert amplification is not None and amplification.min_copy_number == 4


def _edited(tmp_path: Path, edit) -> Path:
    data = yaml.safe_load(trial_rules_path().read_text())
    edit(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_rules_version_without_changelog_entry_is_rejected(tmp_path):
    path = _edited(tmp_path, lambda d: d.update(rules_version="2099.01-1"))
    with pytest.raises(DataError, match="no changelog entry"):
        load_rules(path)


def test_invalid_rules_name_file_and_key(tmp_path):
    path = _edited(tmp_path, lambda d: d["listed"][0].update(alteration_type="rumour"))
    with pytest.raises(
        DataError, match=r"rules.yaml: invalid trial rules at listed/0/alteration_type"
    ):
        load_rules(path)


def test_unreadable_rules_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("listed: [\n")
    with pytest.raises(DataError, match=r"broken\.yaml: cannot read trial rules"):
        load_rules(path)


def test_panel_check_reports_rules_that_do_not_fit_the_panel(tmp_path):
    from mapk_filter.checks import check_data

    def edit(d):
        d["review"][0]["genes"].append("NOTAGENE")
        d["review"][0]["source"] = "nowhere"
        next(r for r in d["review"] if r["id"] == "B-R9")["exons"] = [3, 99]
        d["exclusions"][0]["protein_changes"].append("p.Gly101Asp")

    problems, summary = check_data(None, _edited(tmp_path, edit))
    assert "rules name gene NOTAGENE, which is not in the panel" in problems
    assert "rule B-R1: source 'nowhere' is not defined" in problems
    assert "rule B-R9: PTPN11 has no MANE exon 99" in problems
    assert "rule B-X1: p.Gly101Asp is not in the hotspot table" in problems
    assert summary.endswith(f"{len(problems)} problem(s)")


def test_describe_names_every_rule_with_kind_registry_criterion_and_citation(rules):
    """What the report's checklist and rules table show for each rule id."""
    described = rules.describe()
    kinds = {rid: d["kind"] for rid, d in described.items()}
    assert {kinds[r.id] for r in rules.listed} == {"listed"}
    assert {kinds[r.id] for r in rules.review} == {"review"}
    assert {kinds[r.id] for r in rules.exclusions} == {"exclusion"}
    assert {kinds[c.id] for c in rules.clinical} == {"clinical"}
    assert len(described) == (
        len(rules.listed) + len(rules.review) + len(rules.exclusions) + len(rules.clinical)
    )
    b_l1 = described["B-L1"]
    assert b_l1["name"] == rules.listed_rule("fusion", "ABL1").name
    assert b_l1["criterion"] == "NCT05751044 inclusion 6"
    assert b_l1["citation"] == rules.sources["registry"]
    assert described["B-X1"]["criterion"] == "NCT05751044 exclusion 5"
    assert described["B-X1"]["citation"] == rules.sources["blombery2019"]
    assert set(b_l1) == {"name", "kind", "criterion", "citation"}


def test_a_rule_citing_an_undefined_source_is_cited_by_its_id(tmp_path):
    """`mapk-filter panel check` reports the undefined source; until it is fixed the report
    still names what the rule cites rather than nothing."""
    data = yaml.safe_load(trial_rules_path().read_text(encoding="utf-8"))
    data["review"][0]["source"] = "nowhere2099"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    described = load_rules(path).describe()
    assert described[data["review"][0]["id"]]["citation"] == "nowhere2099"
