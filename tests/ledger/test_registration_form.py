"""The registration form prevents mistakes: cabinets that may hold the level, a marking composed
from its parts and parsed like one typed, the scope from the department tree and a people search,
errors once at their field, and "save and register the next"."""

from __future__ import annotations

import re

import pytest

from baomi.core.services import create_org_unit
from baomi.ledger.models import Document, ScopeEntry
from baomi.people.models import Post
from tests.support.factories import person

pytestmark = pytest.mark.django_db

URL = "/ledger/incoming/new/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _form(org, **kw):
    return {
        "title": "关于做好年度统计工作的通知",
        "issuer": "市统计局",
        "issued_on": "2026-11-10",
        "kind": "state",
        "urgency": "0",
        "form": "paper",
        "page_count": "2",
        "copies": "1",
        "cabinet": org["cabinet"].pk,
        **kw,
    }


@pytest.fixture
def clerk(client, org):
    client.force_login(org["people"]["clerk"])
    return client


def test_the_cabinets_are_grouped_and_each_says_whether_it_is_for_classified_items(clerk, org):
    page = clerk.get(URL).content.decode()
    select = page.split('name="cabinet"')[1].split("</select>")[0]
    secure, ordinary = select.split("<optgroup")[1:3]
    assert f'value="{org["cabinet"].pk}" data-classified="1"' in secure
    assert f'value="{org["plain"].pk}" data-classified="0"' in ordinary
    assert "BGS-01" not in secure and "JYS-01" not in ordinary


def test_a_classified_item_in_an_ordinary_cabinet_is_refused_at_the_cabinet(clerk, org):
    refused = clerk.post(URL, _form(org, marking="机密★10年", cabinet=org["plain"].pk), **EN)
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert list(errors) == ["cabinet"] and "DOC.STORE" in errors["cabinet"][0]
    assert "BGS-01" in errors["cabinet"][0]
    page = refused.content.decode()
    # once, at the field, which the cursor is put into
    assert page.count("DOC.STORE") == 1
    assert re.search(r'<select name="cabinet"[^>]*aria-invalid="true"[^>]*autofocus', page)
    assert not Document.objects.exists()
    # and an unclassified item does not go into a secure cabinet either
    inside = clerk.post(URL, _form(org, level="1"), **EN)
    assert "DOC.STORE" in inside.context["form"].errors["cabinet"][0]
    assert not Document.objects.exists()
    assert clerk.post(URL, _form(org, level="1", cabinet=org["plain"].pk)).status_code == 302


@pytest.mark.parametrize(
    ("level", "period_form", "value", "marking"),
    [
        ("3", "years", "10", "机密★10年"),
        ("2", "months", "６", "秘密★6个月"),
        ("3", "until_date", "2027-06-30", "机密★2027年6月30日"),
        ("3", "until_date", "2027.6.30", "机密★2027年6月30日"),
        ("4", "until_event", "项目验收后", "绝密★项目验收后"),
        ("4", "long_term", "", "绝密★长期"),
        ("2", "unmarked", "", "秘密"),
    ],
)
def test_the_marking_composed_from_its_parts_is_parsed_and_registered(
    clerk, org, level, period_form, value, marking
):
    made = clerk.post(
        URL, _form(org, level=level, period_form=period_form, period_value=value, marking="")
    )
    assert made.status_code == 302, made.context["form"].errors
    document = Document.objects.get()
    assert document.marking == marking and document.level == int(level)


@pytest.mark.parametrize(
    ("level", "period_form", "value", "expected"),
    [
        ("3", "years", "", "Give the number of years."),
        ("3", "years", "十", "Give a whole number."),
        ("2", "months", "12", "12 months or more must be written in years"),
        ("3", "until_date", "明年", "is not a date"),
        ("3", "until_event", "5年", "written like a period or a date"),
    ],
)
def test_a_part_of_the_marking_that_does_not_fit_is_an_error_at_the_period(
    clerk, org, level, period_form, value, expected
):
    refused = clerk.post(
        URL, _form(org, level=level, period_form=period_form, period_value=value), **EN
    )
    errors = refused.context["form"].errors
    assert list(errors) == ["period_value"] and expected in errors["period_value"][0]
    assert not Document.objects.exists()


def test_the_organizations_limit_holds_for_a_composed_marking_as_for_a_typed_one(clerk, org):
    composed = clerk.post(URL, _form(org, level="4", period_form="years", period_value="31"), **EN)
    typed = clerk.post(URL, _form(org, marking="绝密★31年"), **EN)
    for refused in (composed, typed):
        errors = refused.context["form"].errors
        assert list(errors) == ["marking"] and "CLS.PERIOD.MAX" in errors["marking"][0]
    assert not Document.objects.exists()


def test_a_marking_typed_whole_wins_and_must_agree_with_the_parts(clerk, org):
    # as a scanner types it: no composer, or one that says the same in other characters
    assert clerk.post(URL, _form(org, marking="机密*10年")).status_code == 302
    assert Document.objects.get().marking == "机密★10年"
    same = _form(org, marking="机密 ★ 10 年", level="3", period_form="years", period_value="10")
    assert clerk.post(URL, {**same, "title": "第二件"}).status_code == 302
    differs = {**same, "title": "第三件", "period_value": "5"}
    refused = clerk.post(URL, differs, **EN)
    assert "differs from the one composed" in refused.context["form"].errors["marking"][0]
    other_level = {**same, "title": "第三件", "level": "2", "period_value": ""}
    refused = clerk.post(URL, other_level, **EN)
    assert list(refused.context["form"].errors) == ["level"]
    assert Document.objects.count() == 2


def test_the_scope_is_picked_from_the_tree_the_posts_and_people_by_name(clerk, org):
    planning = org["units"]["planning"]
    section = create_org_unit(actor=None, name="规划一组", parent=planning)
    reader = person("wangfang", planning, full_name="王芳")
    page = clerk.get(URL).content.decode()
    tree = page.split('class="scope-tree"')[1].split("</div>")[0]
    assert 'type="checkbox" name="scope_departments"' in tree
    # the tree's order, each unit indented by its depth
    assert re.search(rf'tree-depth-1"><input[^>]*value="{planning.pk}"', tree)
    assert re.search(rf'tree-depth-2"><input[^>]*value="{section.pk}"', tree)
    assert tree.index("综合规划科") < tree.index("规划一组")
    assert "data-people-picker" in page and "/people/autocomplete/" in page
    made = clerk.post(
        URL,
        _form(
            org,
            marking="秘密★1年",
            scope_departments=[planning.pk, section.pk],
            scope_posts=[Post.LEADER],
            scope_persons="王芳、insider",
        ),
    )
    assert made.status_code == 302
    scope = ScopeEntry.objects.filter(document=Document.objects.get())
    assert {e.department_id for e in scope if e.department_id} == {planning.pk, section.pk}
    assert [e.post for e in scope if e.post] == [Post.LEADER]
    people = {e.person_id for e in scope if e.person_id}
    assert people == {org["people"]["clerk"].pk, reader.pk, org["people"]["insider"].pk}
    refused = clerk.post(URL, _form(org, marking="秘密★1年", scope_persons="李四"), **EN)
    errors = refused.context["form"].errors
    assert list(errors) == ["scope_persons"] and "李四" in errors["scope_persons"][0]
    assert Document.objects.count() == 1


def test_the_first_field_has_the_focus(clerk):
    page = clerk.get(URL).content.decode()
    assert re.search(r'<input type="text" name="title"[^>]*autofocus', page)
    assert page.count("autofocus") == 1


def test_save_and_register_the_next_starts_from_the_item_just_registered(clerk, org):
    planning = org["units"]["planning"]
    reader = person("wangfang", planning, full_name="王芳")
    posted = _form(
        org,
        marking="机密★10年",
        kind="work",
        scope_departments=[planning.pk],
        scope_posts=[Post.LEADER],
        scope_persons="王芳",
        and_next="1",
    )
    saved = clerk.post(URL, posted)
    document = Document.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"{URL}?after={document.pk}"
    fresh = clerk.get(saved["Location"])
    form = fresh.context["form"]
    assert not form.is_bound
    assert form.initial == {
        "issuer": "市统计局",
        "issued_on": document.issued_on,
        "kind": "work",
        "cabinet": org["cabinet"].pk,
        "scope_departments": [planning.pk],
        "scope_posts": [Post.LEADER],
        "scope_persons": reader.full_name,
    }
    page = fresh.content.decode()
    assert 'value="市统计局"' in page
    assert re.search(r'<input type="text" name="title"(?![^>]*value=)[^>]*autofocus', page)
    message = page.split('class="alert alert-success')[1].split("</div>")[0]
    assert f'href="/ledger/documents/{document.pk}/"' in message
    assert "关于做好年度统计工作的通知（机密★10年）" in message
    # the next one is registered from there, with the same scope
    clerk.post(URL, {**posted, "title": "第二件", "and_next": ""})
    second = Document.objects.get(title="第二件")
    assert set(second.scope.values_list("person", flat=True)) - {None} == {
        org["people"]["clerk"].pk,
        reader.pk,
    }


def test_the_next_form_starts_empty_from_an_item_one_cannot_see(client, org):
    from tests.support.factories import register

    hidden = register(org)
    client.force_login(org["people"]["important"])  # outside its scope
    for after in (str(hidden.pk), "x", "9" * 30):
        form = client.get(URL, {"after": after}).context["form"]
        assert form.initial == {}
