"""Every route naming no object: each list as every demo person, each action and public page."""

from __future__ import annotations

import pytest

from tests.support import audit_head, events_since

from .cases import Action, List, Public
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
from .world import CLERK

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
