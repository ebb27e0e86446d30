"""No page shows a UTC timestamp, a raw action code, a Python repr or `app.model N`.

Each demo role signs in and follows every same-site link from the home page (GET only, no
downloads, nothing with a side effect), up to a bounded number of pages; the text each page
shows a person, and the attributes a person reads (title, placeholder, alt, aria-label, a
button's value), is scanned for what only a programmer should see. The data is the contract's
world: the demo organization with one object of every kind.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest

import baomi

from .trying import client_for, route_of
from .world import World

#: the demo's roles: the clerk, leaders (the head of the confidential room, a department head,
#: the director), a reader, the security officer, the receipt desk, and the three administrators
ROLES = [
    "yangxue",
    "chenmin",
    "xujun",
    "zhangwei",
    "sunli",
    "wuhui",
    "huangtao",
    "secadmin",
    "sysadmin",
    "auditor",
]

#: pages one role may visit; each path is visited once per set of query parameter names, so a
#: list's sort and page links do not multiply it. A crawl that reaches the cap fails: it would
#: leave pages unchecked
MAX_PAGES = 250

#: pages not followed: leaving or locking the session, the language switch, the API, files
SKIPPED = re.compile(
    r"^/(accounts/(logout|lock/now|unlock|activity)/|i18n/|api/|static/|media/)"
    r"|/(download|content|sheet|certificate|template|redacted)\b"
    r"|\.(xlsx|pdf|docx|csv|txt|png|jpe?g|json|svg|ico)(\?|$)"
    r"|[?&](format|export)="
)

#: offenders known in pages their owners are rebuilding now: URL pattern → what is wrong there.
#: A role that meets only these is reported as an expected failure naming them; each owner
#: removes their line with the fix, and the crawl then holds the page to the rule.
KNOWN: dict[str, str] = {}


# -- what a person sees ------------------------------------------------------------------------

#: attributes whose value a person reads
SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "label"}
#: elements whose content is not shown
UNSHOWN = {"script", "style", "template", "noscript", "head"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._unshown = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in UNSHOWN:
            self._unshown += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "input" and values.get("type") in {"submit", "button", "reset"}:
            self.texts.append(values.get("value", ""))
        self.texts += [values[a] for a in SHOWN_ATTRIBUTES if values.get(a)]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSHOWN:  # <script src=… /> opens nothing
            values = {k: v or "" for k, v in attrs}
            self.texts += [values[a] for a in SHOWN_ATTRIBUTES if values.get(a)]
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in UNSHOWN and self._unshown:
            self._unshown -= 1

    def handle_data(self, data: str) -> None:
        if not self._unshown and data.strip():
            self.texts.append(data)


def read_page(html: str) -> tuple[str, list[str]]:
    """The page's shown text (one line per text node or shown attribute) and its links."""
    page = _Page()
    page.feed(html)
    page.close()
    return "\n".join(" ".join(t.split()) for t in page.texts), page.links


# -- what only a programmer should see ---------------------------------------------------------


def audit_actions() -> set[str]:
    """The action codes in the code: the second argument of every `audit.record(…)` and audit
    `Entry(…)`, and every dotted `action=`/`kind=` a service passes on (a copy's move, an
    approval consumed or asked for)."""
    found: set[str] = set()
    for source in Path(baomi.__file__).parent.rglob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            given = [k.value for k in node.keywords if k.arg in {"action", "kind"}]
            if name in {"record", "Entry"} and len(node.args) >= 2:
                given.append(node.args[1])
            found |= {
                n.value
                for value in given
                for n in ast.walk(value)
                if isinstance(n, ast.Constant) and isinstance(n.value, str) and _CODE.match(n.value)
            }
    return found


_CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _words(codes: Iterable[str]) -> str:
    return "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))


def offences(actions: Iterable[str] = ()) -> dict[str, re.Pattern[str]]:
    """What to look for; `actions`: action codes found in the audit log, besides the code's."""
    from django.apps import apps

    models = {m._meta.label_lower for m in apps.get_models()}
    names = {m._meta.model_name for m in apps.get_models()}
    return {
        "UTC/ISO timestamp": re.compile(
            r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"  # isoformat()
            r"|\d{2}:\d{2}(:\d{2})?(\.\d+)?([+-]00:?00|Z)\b"  # an offset of zero, or Zulu
            r"|\d{2}:\d{2}:\d{2}\.\d{3,6}"  # fractions of a second
            r"|\bUTC\b"
        ),
        "raw action code": re.compile(
            rf"(?<![\w./-])({_words(audit_actions() | set(actions))})(?![\w/-])"
        ),
        "Python repr": re.compile(
            r"\{'|'\s*:\s|\[<|<QuerySet|<\w+: |\[\]|\{\}|(?<![\w.])(None|True|False)(?![\w.])"
        ),
        "app.model N": re.compile(
            rf"(?<![\w./-])({_words(models)})(?![\w/-])"
            rf"|(?<![\w./-])({_words(names)})\s*[:#]?\s*\d+\b"
            r"|(?<![\w&])#\d+\b"
        ),
    }


@dataclass(frozen=True)
class Offence:
    url: str
    role: str
    kind: str
    snippet: str

    def __str__(self) -> str:
        return f"{self.url} as {self.role}: {self.kind}: …{self.snippet}…"


def scan(url: str, role: str, text: str, patterns: dict[str, re.Pattern[str]]) -> Iterator[Offence]:
    for kind, pattern in patterns.items():
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 30), match.end() + 30
            yield Offence(url, role, kind, text[start:end].replace("\n", " ⏎ "))


# -- the crawl ---------------------------------------------------------------------------------


def _key(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(url)
    return parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _same_site(base: str, href: str) -> str | None:
    href = urldefrag(href.strip())[0]
    if not href or href.startswith(("//", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.netloc not in {"testserver", ""}:
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    if href.startswith("?"):
        href = urlsplit(base).path + href
    elif not href.startswith("/"):
        href = urlsplit(base).path.rsplit("/", 1)[0] + "/" + href
    return None if SKIPPED.search(href) else href


@dataclass
class Crawl:
    visited: list[str]  # every address asked for
    pages: int  # of which answered with a page
    offences: list[Offence]
    failures: list[str]
    seconds: float
    unvisited: int  # addresses found but left when the crawl stopped at MAX_PAGES


def seeds(world: World) -> list[str]:
    """Pages no link reaches, only a form's answer (an opened stocktake or handover), and the
    workbench's full lists, linked only when a list overflows: the crawl starts from these too,
    after the home page; one the person may not see answers 404 and is passed over."""
    from django.urls import reverse

    lists = Path(baomi.__file__).parent / "flows" / "templates" / "flows" / "lists"
    return [
        reverse("flows:stocktake", kwargs={"pk": world.pk("stocktake")}),
        reverse("flows:handover", kwargs={"pk": world.pk("handover")}),
        reverse("flows:closing-sheet", kwargs={"pk": world.pk("closing_sheet")}),
        reverse("meetings:meeting", kwargs={"pk": world.pk("meeting")}),
        *(reverse("flows:list", args=[t.stem]) for t in sorted(lists.glob("*.html"))),
    ]


def crawl(world: World, role: str) -> Crawl:
    client = client_for(world, route_of("web:home"), role)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    from baomi.audit.models import AuditEvent

    patterns = offences(AuditEvent.objects.values_list("action", flat=True).distinct())
    queue = ["/", *seeds(world)]
    seen = {_key(u) for u in queue}
    seeded = set(queue[1:])
    visited: list[str] = []
    found: list[Offence] = []
    failures: list[str] = []
    pages = 0
    started = time.monotonic()
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        response = client.get(url)
        visited.append(url)
        if response.status_code in (301, 302):
            target = _same_site(url, response["Location"])
            if target and _key(target) not in seen:
                seen.add(_key(target))
                queue.append(target)
            continue
        if response.status_code == 403:  # linked but shut to this person (an addressee's item)
            continue
        if response.status_code == 404 and url in seeded:
            continue
        if response.status_code != 200:
            failures.append(f"{url} as {role}: {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        text, links = read_page(response.content.decode())
        found += scan(url, role, text, patterns)
        for href in links:
            target = _same_site(url, href)
            if target and _key(target) not in seen:
                seen.add(_key(target))
                queue.append(target)
    return Crawl(visited, pages, found, failures, time.monotonic() - started, len(queue))


def _known(offence: Offence) -> str | None:
    return next((why for pattern, why in KNOWN.items() if re.search(pattern, offence.url)), None)


def _report(offences: list[Offence]) -> str:
    """One line per page and kind of offence, with its count and first snippet."""
    first: dict[tuple[str, str], Offence] = {}
    count: dict[tuple[str, str], int] = {}
    for o in offences:
        first.setdefault((o.url, o.kind), o)
        count[(o.url, o.kind)] = count.get((o.url, o.kind), 0) + 1
    return "\n".join(f"{first[k]} (×{count[k]})" for k in sorted(first))


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_what_only_a_programmer_should_see(world, db, role):
    result = crawl(world, role)
    assert result.pages > 3, f"{role} reached only {result.visited}"
    assert not result.unvisited, (
        f"the crawl as {role} stopped at MAX_PAGES = {MAX_PAGES} with {result.unvisited} "
        "addresses still to visit: raise the cap, or skip what multiplies pages"
    )
    assert not result.failures, "\n".join(result.failures)
    wrong = [o for o in result.offences if not _known(o)]
    assert not wrong, f"{len(wrong)} offences:\n{_report(wrong)}"
    known = sorted({why for o in result.offences if (why := _known(o))})
    if known:
        pytest.xfail(f"{role}: known offences their owners are fixing: " + "; ".join(known))


# -- the scanner itself ------------------------------------------------------------------------


def test_the_scanner_finds_each_kind_and_reads_only_what_is_shown(db):
    patterns = offences()
    html = """<html><head><title>x</title><script>var a = {'k': None};</script></head><body>
      <p>2026-12-02T08:28:00.123456+00:00</p><p title="ledger.document 9">copy.lent</p>
      <p>{'borrower': 20}</p><span data-x="copy.lent">借出</span><p>person: 20</p>
      <input type="hidden" value="None"><input type="submit" value="None"></body></html>"""
    text, _ = read_page(html)
    kinds = sorted({o.kind for o in scan("/", "r", text, patterns)})
    assert kinds == ["Python repr", "UTC/ISO timestamp", "app.model N", "raw action code"]
    assert "var a" not in text and "data-x" not in text
    assert text.count("None") == 1  # the button's, not the hidden input's
    clean = "<p>2026年12月2日 16:28</p><p>借出 第9份</p><a href='/x/?page=2'>下一页</a>"
    assert not list(scan("/", "r", read_page(clean)[0], patterns))
    assert "copy.lent" in audit_actions()
