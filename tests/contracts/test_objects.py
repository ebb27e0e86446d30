"""Every route naming an object, tried as anonymous, outsider, insider and each administrator."""

from __future__ import annotations

import pytest

from tests.support import audit_head, events_since

from .cases import ANONYMOUS, Obj
from .trying import CASES, body_text, client_for, refused_anonymously, route_of, send, snapshot, url

TRIED = [
    (name, role)
    for name, case in sorted(CASES.items())
    if isinstance(case, Obj)
    for role in case.roles()
]


@pytest.mark.parametrize(("name", "role"), TRIED, ids=[f"{n}-{r}" for n, r in TRIED])
def test_a_route_naming_an_object(world, db, name, role):
    case, route = CASES[name], route_of(name)
    username = case.who(role)
    client = client_for(world, route, username)
    address = url(name, case.url_kwargs(world))
    obj = world[case.obj] if case.obj else None
    before, head = snapshot(obj), audit_head()
    if role == "insider":
        response = client.get(address)
        expected = 200 if case.method == "GET" else 405
        assert response.status_code == expected, (
            f"{name} as the insider ({username}): got {response.status_code}, expected {expected}"
        )
        if expected == 200:  # what the insider may know, and nothing more
            text = body_text(response)
            leaked = [t for t in world.hidden(world.people[username]) if t in text]
            assert not leaked, f"{name} as the insider ({username}) shows {leaked}"
        return
    response = send(client, route, case.method, address, case.data(world))
    if role == ANONYMOUS:
        wrong = refused_anonymously(route, response)
        assert wrong is None, f"{name} anonymous: {wrong}"
    else:
        expected = case.refused.get(role, 404)
        assert response.status_code == expected, (
            f"{name} as {role} ({username}): got {response.status_code}, expected {expected}"
        )
    written = [e.action for e in events_since(head)]
    assert not written, f"{name} as {role}: audit events written {written}"
    assert snapshot(obj) == before, f"{name} as {role}: the object changed"
