"""The walker knows every route; a route added without a case is named, and fails the suite."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import include, path
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter

from . import routes, stale, unknown
from .cases import Action, List, Obj, Public
from .test_lists import ACTIONS, LISTS
from .test_objects import TRIED
from .trying import CASES

#: URL arguments that name one object
OBJECT_IDS = {"pk", "id", "seq", "rule_id"}


def test_every_route_has_a_case():
    missing = [f"{r.name} ({r.pattern})" for r in unknown(CASES)]
    assert not missing, f"routes without a contract case: {missing}"
    assert not stale(CASES), f"cases of routes that no longer exist: {stale(CASES)}"


def test_a_route_naming_an_object_is_tried_as_one():
    """Whether a route names an object is read from its URL, not taken from its case."""
    wrong = [
        r.name
        for r in routes()
        if r.name in CASES and bool(OBJECT_IDS & set(r.params)) != isinstance(CASES[r.name], Obj)
    ]
    assert not wrong, f"routes whose case does not match whether they name an object: {wrong}"


class ProbeViewSet(viewsets.ViewSet):
    def list(self, request):
        return Response([])

    def retrieve(self, request, pk=None):
        return Response({})


def probe(request, pk):
    return HttpResponse()


_router = DefaultRouter()
_router.register("probes", ProbeViewSet, basename="probe")

#: Baomi's routes and three more: a page and an endpoint naming an object, and a list
urlpatterns = [
    path("", include("baomi.urls")),
    path("probe/<int:pk>/", probe, name="probe-page"),
    path("api/v1/", include(_router.urls)),
]


def test_a_route_added_without_a_case_is_named():
    already = {r.name for r in unknown(CASES)}  # reported by the test above
    found = {r.name: r for r in unknown(CASES, urlconf=__name__) if r.name not in already}
    assert set(found) == {"probe-page", "probe-list", "probe-detail"}
    assert found["probe-page"].params == ("pk",) and not found["probe-page"].api
    assert found["probe-detail"].params == ("pk",) and found["probe-detail"].api


def test_a_removed_route_leaves_its_case_stale():
    assert stale({**CASES, "ledger:gone": Obj("document")}) == sorted(
        [*stale(CASES), "ledger:gone"]
    )


def test_what_the_contract_covers(capsys):
    walked = routes()
    kinds = {
        kind.__name__: sum(isinstance(c, kind) for c in CASES.values())
        for kind in (Obj, List, Action, Public)
    }
    with_id = [r for r in walked if isinstance(CASES.get(r.name), Obj)]
    assert len(walked) == len(CASES) and len(with_id) == kinds["Obj"]
    assert sum(r.api for r in walked) > 0 and sum(not r.api for r in walked) > 0
    with capsys.disabled():
        print(
            f"\nroute contract: {len(walked)} routes ({sum(r.api for r in walked)} API), "
            f"cases {kinds}; tried {len(TRIED)} object requests, {len(LISTS)} list requests, "
            f"{len(ACTIONS)} action and public requests"
        )
