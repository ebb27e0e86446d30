"""The catalog carries every rule of SPEC §5 with its texts, clause and parameters."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from baomi.policy import engine
from baomi.policy.catalog import catalog, parse_catalog

#: the rule ids of SPEC §5, written out so the test stands without the SPEC beside the code
SPEC_RULES = [
    "DOC.PRINT.SCOPE",
    "DOC.REPRO.APPROVAL",
    "DOC.REGISTER",
    "DOC.RECEIPT",
    "DOC.CIRC.SCOPE",
    "DOC.CIRC.SINGLE_LINE",
    "DOC.CIRC.DEADLINE",
    "DOC.CIRC.IN_PERSON",
    "DOC.READ.PLACE",
    "DOC.READ.SAME_DAY",
    "DOC.CUSTODY.NIGHT",
    "DOC.TRANSFER.CHANNEL",
    "DOC.TRANSFER.SYMMETRY",
    "DOC.STORE",
    "DOC.ARCHIVE",
    "DOC.DESTROY",
    "DOC.HANDOVER",
    "DOC.STOCKTAKE",
    "DOC.LOSS",
    "DOC.ONLINE",
    "DOC.CARRY_OUT",
    "DOC.TOPSECRET",
    "DOC.REPRO.STAMP",
    "DOC.LOSS.DEEMED_LEAK",
    "MTG.ATTENDEES",
    "MTG.SECURITY",
    "MTG.DISCIPLINE",
    "MTG.DOCS",
    "MTG.RECORDING",
    "MTG.RECALL",
    "MTG.RELAY",
    "FOR.CARRY",
    "FOR.VISIT",
    "FOR.EXCLUDE",
    "FOR.EXPORT",
    "FOR.CONTACT",
    "PUB.REVIEW",
    "PUB.UNPUBLISHED",
    "PUB.INTERNAL",
    "PUB.REFER",
    "SYS.PASSWORD",
    "SYS.LOCK",
    "SYS.OFFBOARD",
    "SYS.ISOLATION",
    "SYS.REPAIR",
    "SYS.ROOM",
    "SYS.MEDIA",
    "TEL.RECEIPT",
    "TEL.DEADLINE",
    "TEL.ESCALATE",
    "DUTY.ROSTER",
    "PPL.POSTS",
    "PPL.EDUCATION",
    "INC.REPORT",
    "INC.PENALTY",
    "OVS.INSPECTION",
    "PPL.TIERS",
    "OVS.KEY_PLACES",
    "DOC.LOAN.APPROVAL",
    "DOC.INSTRUCTIONS",
    "TEL.REGISTER",
    "SYS.DEVICE",
    "SYS.SEAL",
    "OVS.RECTIFY",
    "OVS.REPORT",
    "PPL.ORG",
    "PPL.TRAVEL",
]
SPEC_FILE = Path(__file__).resolve().parents[3] / "shared" / "SPEC.md"
RULE_ID = re.compile(r"\b(?:DOC|MTG|FOR|PUB|SYS|TEL|DUTY|PPL|INC|OVS)\.[A-Z_.]*[A-Z_]\b")


def test_every_spec_rule_is_in_the_catalog():
    missing = set(SPEC_RULES) - catalog().keys()
    assert not missing


@pytest.mark.skipif(not SPEC_FILE.exists(), reason="the SPEC is not beside this checkout")
def test_the_written_out_list_matches_the_spec():
    assert set(RULE_ID.findall(SPEC_FILE.read_text(encoding="utf-8"))) == set(SPEC_RULES)


def test_every_rule_has_both_languages_a_clause_and_documented_parameters():
    for rule in catalog().values():
        for texts in (rule.titles, rule.summaries, rule.clauses):
            assert texts["zh-hans"].strip() and texts["en"].strip(), rule.id
        assert rule.module
        for p in rule.params.values():
            assert p.titles["zh-hans"] and p.titles["en"] and p.source and p.status, (rule.id, p)


def test_parameters_carry_the_legal_defaults():
    rules = catalog()
    assert rules["CLS.PERIOD.MAX"].defaults()["max_years"] == {
        "top_secret": 30,
        "secret": 20,
        "confidential": 10,
    }
    deemed = rules["DOC.LOSS.DEEMED_LEAK"].defaults()
    assert 10 in deemed.values() and 60 in deemed.values()


def test_a_rule_without_english_is_refused_naming_it():
    data = {
        "rules": {
            "X.Y": {"title": {"zh-hans": "甲"}, "summary": {}, "clause": {}, "module": "core"}
        }
    }
    with pytest.raises(ValueError, match=r"X\.Y\.title"):
        parse_catalog(data)


@pytest.mark.django_db
def test_rules_command_lists_every_rule_and_whether_it_is_enforced():
    out = StringIO()
    call_command("rules", "--json", stdout=out)
    rows = {row["id"]: row for row in json.loads(out.getvalue())}
    assert set(SPEC_RULES) <= rows.keys()
    assert rows["CLS.PERIOD.MAX"]["status"] == "enforced" and rows["CLS.PERIOD.MAX"]["enforced"]
    # a default applied where a period is not marked refuses nothing: it is not "enforced"
    assert rows["CLS.PERIOD.UNMARKED"]["status"] == "applied"
    assert rows["CLS.PERIOD.UNMARKED"]["enforced"] is False
    assert rows["CLS.PERIOD.UNMARKED"]["effect"]
    assert {r for r, row in rows.items() if row["enforced"]} == set(engine.enforced())


@pytest.mark.django_db
def test_rules_command_prints_the_table_in_chinese_and_english():
    zh, en = StringIO(), StringIO()
    call_command("rules", stdout=zh)
    call_command("rules", "--lang", "en", stdout=en)
    for rule_id in SPEC_RULES:
        assert rule_id in zh.getvalue() and rule_id in en.getvalue()
    assert "[执行中]" in zh.getvalue() and "[已应用]" in zh.getvalue()
    assert "条规则：执行中" in zh.getvalue()
    assert "enforced" in en.getvalue() and catalog()["DOC.LOSS"].titles["en"] in en.getvalue()


INTERNAL = re.compile(r"种子|\bseeds?\b|SPEC|LEGAL-PARAMETERS|§", re.IGNORECASE)


def test_every_clause_cites_its_sources_by_title_never_by_an_internal_reference():
    for rule in catalog().values():
        for lang, clause in rule.clauses.items():
            assert not INTERNAL.search(clause), (rule.id, lang, clause)
        assert "《" in rule.clauses["zh-hans"], rule.id
        for p in rule.params.values():  # the rules page shows a parameter's source too
            assert p.source and not INTERNAL.search(p.source), (rule.id, p.name, p.source)
            assert not re.search(r"\[S\d", p.source), (rule.id, p.name, p.source)
