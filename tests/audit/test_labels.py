"""Every audit action, detail and object type reads as words in both languages: an action a
service starts recording without a label fails here, found by reading the source."""

from __future__ import annotations

from django.apps import apps
from django.utils import translation

from baomi.audit import labels

from .recorded import recorded


def _both(label: object) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return zh, en


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_source_scan_finds_the_actions_recorded_through_every_path():
    found = recorded().actions
    # direct, batched (Entry), through a custody move, a loan's return and a refusal on record
    for code in (
        "copy.registered",
        "document.registered",
        "copy.lent",
        "copy.returned",
        "person.login_failed",
        "document.reclassified",
        "approval.expired",
    ):
        assert code in found, code
    assert len(found) > 100


def test_every_recorded_action_has_a_label_in_chinese_and_in_english():
    found = recorded().actions
    missing = sorted(code for code in found if code not in labels.ACTIONS)
    assert not missing, (
        f"actions recorded without a label: {missing} ({[found[c] for c in missing]})"
    )
    for code in found:
        zh, en = _both(labels.ACTIONS[code])
        assert _is_chinese(zh), f"{code}: no Chinese label ({zh})"
        assert en and not _is_chinese(en) and en != code, f"{code}: no English label ({en})"


def test_every_recorded_detail_has_a_label_in_both_languages():
    keys = recorded().details
    missing = sorted(k for k in keys if k not in labels.DETAILS)
    assert not missing, f"details recorded without a label: {missing}"
    for key in keys:
        zh, en = _both(labels.DETAILS[key])
        assert _is_chinese(zh) and en and not _is_chinese(en), (key, zh, en)


def test_every_object_type_has_a_translated_name():
    types = [m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("baomi.")]
    for t in [*types, *labels.OTHER_TYPES]:
        with translation.override("zh-hans"):
            zh = labels.type_name(t)
        with translation.override("en"):
            en = labels.type_name(t)
        assert _is_chinese(zh), f"{t}: {zh}"
        assert en and not _is_chinese(en) and "." not in en, f"{t}: {en}"


def test_copy_lent_reads_as_lent_and_an_unknown_code_never_shows_raw():
    assert _both(labels.ACTIONS["copy.lent"]) == ("借出", "Copy lent")
    assert _both(labels.ACTIONS["copy.registered"])[0] == "登记份"
    with translation.override("zh-hans"):
        assert labels.action_label("nothing.happened") == "其他操作"
        assert labels.type_name("nowhere.thing") == "其他对象"
        assert labels.type_name("ledger.document") == "文件"


def test_an_action_is_found_by_its_label_in_either_language():
    assert labels.actions_matching("借出") == ["copy.lent"]
    assert labels.actions_matching("copy lent") == ["copy.lent"]
    assert labels.actions_matching("copy.lent") == ["copy.lent"]
    assert "copy.registered" in labels.actions_matching("登记")
    assert labels.actions_matching("  ") == []


def test_every_action_an_approval_is_used_for_has_a_label():
    purposes = recorded().purposes
    assert "copy.lend" in purposes
    missing = sorted(p for p in purposes if p not in labels.PURPOSES)
    assert not missing, f"approvals used for actions without a label: {missing}"
    for p in purposes:
        zh, en = _both(labels.PURPOSES[p])
        assert _is_chinese(zh) and not _is_chinese(en), (p, zh, en)
