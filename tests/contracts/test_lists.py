"""Every route naming no object: each list as every demo person, each action and public page."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest
from openpyxl import load_workbook

from baomi.people.models import Person
from tests.support import audit_head, events_since

from .cases import NOT_A_LIST, Action, List, Public
from .trying import (
    CASES,
    VARIANTS,
    body_text,
    client_for,
    ids_of,
    refused_anonymously,
    returned_ids,
    route_of,
    send,
    url,
    username,
    who,
)
from .world import CLERK, MOMENT

#: API lists are asked for every row at once, so none escapes the check on a later page
ALL_ROWS = {"limit": 1000}


def _variants(name: str, case: List) -> list[tuple[str, dict]]:
    found = VARIANTS.get(name) or [dict(case.kwargs)]
    if len(found) == 1:
        return [(name, found[0])]
    return [(f"{name}[{'/'.join(map(str, v.values()))}]", v) for v in found]


LISTS = [
    (key, name, kwargs, role)
    for name, case in sorted(CASES.items())
    if isinstance(case, List)
    for key, kwargs in _variants(name, case)
    for role in case.roles()
]
ACTIONS = [
    (name, role)
    for name, case in sorted(CASES.items())
    if isinstance(case, Action | Public)
    for role in case.roles()
]


@pytest.mark.parametrize(
    ("key", "name", "kwargs", "role"), LISTS, ids=[f"{k}-{r}" for k, _n, _a, r in LISTS]
)
def test_a_list_shows_only_what_the_person_may_know_of(world, db, key, name, kwargs, role):
    case, route = CASES[name], route_of(name)
    person = who(world, role)
    query = {**(ALL_ROWS if case.rows else {}), **case.query}
    address = url(name, kwargs)
    response = client_for(world, route, username(role)).get(address, query)
    if person is None:
        wrong = refused_anonymously(route, response)
        assert wrong is None, f"{key} anonymous: {wrong}"
        return
    refused = case.refused is not None and case.refused(person)
    expected = case.refused_with if refused else case.status
    assert response.status_code == expected, (
        f"{key} as {role}: got {response.status_code}, expected {expected}"
    )
    if expected != 200:
        return
    text = body_text(response)
    if case.static:
        same = body_text(client_for(world, route, CLERK).get(address, query))
        assert text == same, f"{key} as {role}: not what everyone is shown"
        return
    leaked = [title for title in world.hidden(person) if title in text]
    assert not leaked, f"{key} as {role} shows titles outside their knowledge: {leaked}"
    if case.rows is None:
        return
    shown = returned_ids(response, case.id_field)
    beyond = shown - ids_of(case.rows(person))
    assert not beyond, f"{key} as {role} lists rows outside their knowledge: {sorted(beyond)}"
    if role == case.seen_by:
        assert shown, f"{key} as {role}: nothing listed, so the check above proves nothing"


@pytest.mark.parametrize(("name", "role"), ACTIONS, ids=[f"{n}-{r}" for n, r in ACTIONS])
def test_an_action_or_public_route(world, db, name, role):
    case, route = CASES[name], route_of(name)
    person = who(world, role)
    client = client_for(world, route, username(role))
    address = url(name, case.kwargs)
    head = audit_head()
    if isinstance(case, Public):
        response = send(client, route, case.method, address, {})
        expected = case.anonymous if person is None else case.signed_in
        assert response.status_code == expected, (
            f"{name} as {role}: got {response.status_code}, expected {expected}"
        )
        return
    if person is None:
        response = send(client, route, case.method, address, {})
        if case.anonymous is None:
            wrong = refused_anonymously(route, response)
            assert wrong is None, f"{name} anonymous: {wrong}"
        else:
            assert response.status_code == case.anonymous, (
                f"{name} anonymous: got {response.status_code}, expected {case.anonymous}"
            )
        written = [e.action for e in events_since(head)]
        assert not written, f"{name} anonymous: audit events written {written}"
        return
    response = client.get(address)
    assert response.status_code == 405, (
        f"{name} as {role}: a GET got {response.status_code}, expected 405 (it only acts)"
    )


# -- list pages: sorting, filtering and the export of what is shown ---------------------------

#: a list page asked for at its largest page size, so the whole of a contract list is one page
WHOLE = {"per_page": "100"}


def _list_pages() -> dict[str, Any]:
    from baomi.web.lists import LISTS

    return dict(sorted(LISTS.items()))


def test_every_list_page_declares_itself_a_list_in_the_contract():
    declared = {n for n, c in CASES.items() if isinstance(c, List) and c.table}
    pages = {page.route for page in _list_pages().values()}
    assert declared == pages, (
        f"list pages without table=True: {sorted(pages - declared)}; "
        f"declared but no list page: {sorted(declared - pages)}"
    )


#: who is tried, in turn, for a page that is not a list page: the first to be let in shows it
TRIED = (CLERK, "xujun", "sunli", "wuhui", "secadmin", "sysadmin", "auditor")


def _not_list_pages() -> list[str]:
    return sorted(
        name
        for name, case in CASES.items()
        if isinstance(case, List) and not case.table and not route_of(name).api
    )


def _shown_to_someone(world: Any, name: str, case: List) -> Any:
    kwargs = (VARIANTS.get(name) or [dict(case.kwargs)])[0]
    for person in (case.seen_by, *TRIED) if case.seen_by else TRIED:
        response = client_for(world, route_of(name), person).get(url(name, kwargs), case.query)
        if response.status_code == case.status:
            return response
    raise AssertionError(f"{name}: none of {TRIED} is shown it")


def _links_to_a_list_page(html: str) -> bool:
    paths = {url(page.route, page.kwargs) for page in _list_pages().values()}
    return any(f'href="{path}"' in html or f'href="{path}?' in html for path in paths)


#: what shows a page is of its declared kind
EVIDENCE = {
    "dashboard": _links_to_a_list_page,
    "desk": _links_to_a_list_page,
    "summary": _links_to_a_list_page,
    "catalog": lambda html: 'name="status"' in html and 'name="q"' in html,
    "audit log": lambda html: "sort=" in html and "export" in html,
    "form": lambda html: (
        "<form" in html and re.search(r"<(input|select|textarea)(?![^>]*hidden)", html)
    ),
    "printable": lambda html: "data-print" in html,
}


def test_every_route_of_a_collection_is_a_list_page_or_says_what_else_it_is():
    undeclared = [n for n in _not_list_pages() if not CASES[n].shows]  # type: ignore[union-attr]
    assert not undeclared, (
        f"neither a list page (table=True) nor declared what it shows: {undeclared}"
    )


@pytest.mark.parametrize("name", _not_list_pages())
def test_a_page_that_is_not_a_list_page_is_what_it_says(world, db, name):
    case = CASES[name]
    assert isinstance(case, List)
    response = _shown_to_someone(world, name, case)
    kind = response.get("Content-Type", "")
    if case.shows == "redirect":
        assert response.status_code == 302
    elif case.shows == "export":
        assert not kind.startswith("text/html"), f"{name}: an export answers {kind}"
        assert "attachment" in response.get("Content-Disposition", ""), f"{name}: not a file"
    elif case.shows == "suggestions":
        assert kind.startswith("application/json"), f"{name}: suggestions answer {kind}"
    else:
        html = response.content.decode()
        assert kind.startswith("text/html") and EVIDENCE[case.shows](html), (
            f"{name}: does not show what a {case.shows} shows ({NOT_A_LIST[case.shows]})"
        )


def _rows(response: Any) -> list[tuple[int, str]]:
    """The page's rows in order: each record's id and the row's text."""
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    found = []
    for match in re.finditer(r'<tr data-pk="(\d+)">(.*?)</tr>', body, re.S):
        text = unescape(re.sub(r"<[^>]+>", " ", match.group(2)))
        found.append((int(match.group(1)), " ".join(text.split())))
    return found


def _candidates(filterset: Any, viewer: Any) -> list[dict[str, str]]:
    """Values to try of each of a list's filters: every choice (of those offered to `viewer`),
    and a range from a day ahead."""
    from types import SimpleNamespace

    import django_filters

    tried: list[dict[str, str]] = []
    for name, declared in filterset.base_filters.items():
        if isinstance(declared, django_filters.DateFromToRangeFilter):
            tried.append({f"{name}_after": MOMENT.date().isoformat()})
            tried.append({f"{name}_before": MOMENT.date().isoformat()})
        elif isinstance(declared, django_filters.ModelChoiceFilter):
            queryset = declared.extra["queryset"]
            if callable(queryset):  # the choices offered depend on who asks
                queryset = queryset(SimpleNamespace(user=viewer))
            tried += [{name: str(pk)} for pk in queryset.values_list("pk", flat=True)[:30]]
        elif isinstance(declared, django_filters.ChoiceFilter | django_filters.TypedChoiceFilter):
            tried += [{name: str(v)} for v, _label in declared.extra["choices"] if v != ""]
    return tried


@pytest.mark.parametrize("list_name", list(_list_pages()))
def test_a_list_page_sorts_filters_and_exports_what_it_shows(world, db, list_name):
    page = _list_pages()[list_name]
    case = CASES[page.route]
    assert isinstance(case, List) and case.table, f"{page.route}: not declared a list page"
    if case.more is not None:
        case.more(world)
    client = client_for(world, route_of(page.route), case.seen_by or CLERK)
    address = url(page.route, page.kwargs)
    everything = client.get(address, WHOLE)
    assert everything.status_code == 200, f"{list_name}: {everything.status_code}"
    ids = [pk for pk, _text in _rows(everything)]
    assert len(ids) >= 2, f"{list_name}: fewer than two rows, so no order can be seen"
    # each column sorts both ways, over the same rows; some column's order is not the page's
    changed = []
    for column in page.table.base_columns:
        if page.table.base_columns[column].orderable is False:
            continue
        up = [pk for pk, _t in _rows(client.get(address, {**WHOLE, "sort": column}))]
        down = [pk for pk, _t in _rows(client.get(address, {**WHOLE, "sort": f"-{column}"}))]
        assert sorted(up) == sorted(down) == sorted(ids), f"{list_name}: sort={column} changes rows"
        if up != down:
            changed.append(column)
    assert changed, f"{list_name}: no column's order reverses"
    # a filter keeps to the rows shown unfiltered, and some value of some filter narrows them
    narrowed = []
    assert page.filters is not None, f"{list_name}: no filters"
    viewer = Person.objects.get(username=case.seen_by or CLERK)
    for query in _candidates(page.filters, viewer):
        response = client.get(address, {**WHOLE, **query})
        assert response.status_code == 200, f"{list_name}: {query} answered {response.status_code}"
        found = {pk for pk, _t in _rows(response)}
        assert found <= set(ids), f"{list_name}: {query} shows rows not listed unfiltered"
        if found and len(found) < len(ids):
            narrowed.append(query)
    assert narrowed, f"{list_name}: no filter value narrows the list to some of its rows"
    # the export: the same rows in the same order, each cell as the page shows it
    query = {**WHOLE, **narrowed[0], "sort": f"-{changed[0]}"}
    shown = _rows(client.get(address, query))
    export = client.get(address, {**query, "export": "xlsx"})
    assert "spreadsheetml" in export["Content-Type"], f"{list_name}: the export is not xlsx"
    sheet = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    body = sheet[1:]
    assert len(body) == len(shown), f"{list_name}: {len(body)} rows exported, {len(shown)} shown"
    for (pk, text), values in zip(shown, body, strict=True):
        missing = [v for v in values if v not in (None, "") and str(v) not in text]
        assert not missing, f"{list_name}: row {pk} exports {missing}, not shown as such"
