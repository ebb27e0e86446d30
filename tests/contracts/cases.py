"""The kinds of case a route can have, and what each role gets by default.

- `Obj`: a route naming one object. Tried as anonymous, by an outsider, by an insider and by
  each administrator. Anonymous is sent to sign in (pages) or refused (API); the outsider and
  the administrators get 404, as for an object that does not exist, unless the case declares
  that a role is refused a whole area (403), and no audit event is written for them; the
  insider reads it (200), or, for an action, learns the route takes only its method (405)
  while the outsider's request changes nothing.
- `List`: a route naming no object that shows a collection. Tried as anonymous and as every
  demo person: 200, or the declared refusal for those refused the collection; only rows the
  person may know of, and no title of a document, meeting or manuscript they may not.
  A `static` one (a schema, a blank template) shows everyone the same: a few are shown it and
  the answers compared.
- `Action`: a route naming no object that only acts (a form's target). Anonymous is refused;
  a signed-in GET learns the method (405).
- `Public`: a route for people not yet signed in (sign-in, token, language).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from baomi.demo import ADMINISTRATORS as DEMO_ADMINISTRATORS
from baomi.demo import PEOPLE as DEMO_PEOPLE

from .world import INSIDER, OUTSIDER, World

ANONYMOUS = "anonymous"
ADMINISTRATORS = tuple(username for username, *_ in DEMO_ADMINISTRATORS)
#: everyone in the demo organization, staff then administrators
EVERYONE = tuple(username for username, *_ in DEMO_PEOPLE) + ADMINISTRATORS

Data = Callable[[World], Mapping[str, Any]]
Rows = Callable[[Any], Any]  # person -> the ids (or rows) they may know of


def _none(world: World) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Obj:
    obj: str | None  # the world's key of the object (None: nothing to compare afterwards)
    insider: str = INSIDER
    method: str = "GET"  # GET: the insider reads it; POST/PUT: an action
    outsider: str = OUTSIDER
    kwargs: Data | None = None  # the URL's arguments; by default {"pk": the object's pk}
    data: Data = _none  # the outsider's request body: valid, so only visibility refuses it
    refused: Mapping[str, int] = field(default_factory=dict)  # role -> status, instead of 404
    why: str = ""  # what the refusals stand for; required with them

    def __post_init__(self) -> None:
        assert not self.refused or self.why, "a declared refusal says why"

    def roles(self) -> tuple[str, ...]:
        admins = tuple(a for a in ADMINISTRATORS if a != self.insider)
        return (ANONYMOUS, "outsider", "insider", *admins)

    def url_kwargs(self, world: World) -> Mapping[str, Any]:
        if self.kwargs is not None:
            return self.kwargs(world)
        assert self.obj is not None
        return {"pk": world.pk(self.obj)}

    def who(self, role: str) -> str | None:
        return {ANONYMOUS: None, "outsider": self.outsider, "insider": self.insider}.get(role, role)


#: what a page that answers GET without naming an object may be, when it is not a list page
#: (every list sorts, filters and exports): each kind with what shows it is that kind
NOT_A_LIST = {
    "dashboard": "the person's counts and top items, each count a link to its list page",
    "desk": "a working surface of forms and running items, its full lists linked",
    "summary": "a few latest rows, with a link to their list page",
    "catalog": "the rule catalog, read whole: filtered by status and text, about sixty rules",
    "audit log": "the auditor's log, held to sort, filter and export by test_audit_log.py",
    "form": "a form to fill in",
    "printable": "a sheet to print",
    "export": "a file: the rows of a list page or a register",
    "suggestions": "a picker's suggestions as JSON",
    "redirect": "sends the person on",
}


@dataclass(frozen=True)
class List:
    rows: Rows | None = None  # for API lists: what the person may know of (ids, or a queryset)
    id_field: str = "id"
    refused: Callable[[Any], bool] | None = None  # who is refused the collection
    refused_with: int = 403
    status: int = 200  # what everyone else gets (a redirect for a page that sends one on)
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    query: Mapping[str, Any] = field(default_factory=dict)
    seen_by: str | None = None  # someone who must find a row in it: the list is not empty
    #: the same for everyone (a schema, a blank template): shown to a few, and compared
    static: bool = False
    #: a list page (web.lists): it sorts by its columns, filters, and exports what it shows
    table: bool = False
    #: a page that is not a list page says what it is instead: one of NOT_A_LIST's kinds
    shows: str = ""
    #: rows the list-page test adds first (through services), when the world has too few
    more: Callable[[World], Any] | None = None
    why: str = ""

    def __post_init__(self) -> None:
        assert self.refused is None or self.why, "a declared refusal says why"
        assert not (self.table and self.shows), "a list page is not also something else"
        assert not self.shows or self.shows in NOT_A_LIST, f"{self.shows}: not a kind of page"

    def roles(self) -> tuple[str, ...]:
        if self.static:
            return (ANONYMOUS, INSIDER, ADMINISTRATORS[0])
        return (ANONYMOUS, *EVERYONE)


@dataclass(frozen=True)
class Action:
    method: str = "POST"
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    anonymous: int | None = None  # instead of the sign-in redirect / refusal

    def roles(self) -> tuple[str, ...]:
        return (ANONYMOUS, INSIDER, *ADMINISTRATORS)


@dataclass(frozen=True)
class Public:
    method: str = "GET"
    anonymous: int = 200
    signed_in: int = 200
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    def roles(self) -> tuple[str, ...]:
        return (ANONYMOUS, INSIDER)


Case = Obj | List | Action | Public


def only(*usernames: str) -> Callable[[Any], bool]:
    """Everyone but these is refused."""
    return lambda person: person.username not in usernames


def lacks(action: str) -> Callable[[Any], bool]:
    """Refused to whoever the policy does not allow `action` (a role's area)."""

    def refused(person: Any) -> bool:
        from baomi import policy

        return not policy.check(action, actor=person).allowed

    return refused
