"""The route contract: every page and API endpoint Baomi serves has a case saying who sees what.

`routes()` walks Django's URL resolver, the REST framework's router under /api/v1/ included, and
`unknown()` names every route without a case, so no page or endpoint is added without its
contract. The cases (`pages`, `endpoints`) say, per URL name, how to reach the route's object
for someone who may know it and for someone who may not, and what each role gets; the tests in
this package try each (route, role) on the demo organization (`world`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

#: how the REST framework's router spells a format suffix (…/documents.json): a variant of the
#: route it follows, not a route of its own
FORMAT = "format"


@dataclass(frozen=True)
class Route:
    """One URL pattern, as the resolver holds it."""

    name: str  # namespaced URL name, or the pattern itself for an unnamed route
    pattern: str
    params: tuple[str, ...]  # the URL's keyword arguments, in order

    @property
    def api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def variant(self) -> bool:
        return FORMAT in self.params


def _params(pattern: Any) -> list[str]:
    if isinstance(pattern, RoutePattern):  # path("<int:pk>/")
        return list(pattern.converters)
    return list(pattern.regex.groupindex)  # re_path(r"(?P<pk>…)") and the router's patterns


def _walk(resolver: URLResolver, prefix: str, namespace: str, params: list[str]) -> Iterable[Route]:
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        found = [*params, *_params(entry.pattern)]
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else None
            yield from _walk(entry, text, inner or entry.namespace or namespace, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield Route(name or text, text, tuple(found))


def routes(urlconf: str | None = None) -> list[Route]:
    """Every route once: a format-suffix variant folds into the route it is a variant of."""
    found: dict[str, Route] = {}
    for route in _walk(get_resolver(urlconf), "", "", []):
        if route.name not in found or found[route.name].variant:
            found[route.name] = route
    return list(found.values())


def unknown(known: Mapping[str, Any], urlconf: str | None = None) -> list[Route]:
    """The routes no case covers."""
    return [r for r in routes(urlconf) if r.name not in known]


def stale(known: Mapping[str, Any], urlconf: str | None = None) -> list[str]:
    """Cases naming a route that no longer exists."""
    names = {r.name for r in routes(urlconf)}
    return sorted(set(known) - names)
