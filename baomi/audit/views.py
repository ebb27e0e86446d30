"""The auditor's pages: the audit log, filtered, exported and proven; signed checkpoints,
printed and downloaded."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import report
from baomi.web.lists import CLEAR, _query
from baomi.web.models import ListMemory

from . import checkpoints, exports
from .checkpoints import printable_context, read_checkpoint
from .humanize import humanize
from .labels import ACTIONS
from .models import AuditEvent, Checkpoint
from .queries import NEWEST, ORDERS, log_filter

PER_PAGE = 50
#: the name the auditor's last filter and order of the log are kept under
MEMORY = "audit:log"
#: the table's columns: the key of the order each sorts by (ORDERS), and its header
COLUMNS = (
    ("", gettext_lazy("No.")),
    ("time", gettext_lazy("Time")),
    ("person", gettext_lazy("Actor")),
    ("action", gettext_lazy("Action")),
    ("object", gettext_lazy("Object")),
    ("", gettext_lazy("Details")),
    ("", gettext_lazy("Inclusion proof")),
)
#: suggestions the name autocomplete offers at most
SUGGESTIONS = 10


def _filters(request: HttpRequest) -> dict[str, str]:
    """The filter and order as asked for, without paging: what an export and its record
    carry."""
    keys = ("person", "action", "object_type", "object_id", "since", "until", "sort")
    return {k: request.GET[k] for k in keys if request.GET.get(k, "").strip()}


def _headers(request: HttpRequest) -> list[dict[str, str]]:
    """The table's column headers: the sortable ones link to their order, or to its reverse
    when it is the order shown (newest first when none is asked)."""
    current = request.GET.get("sort", "").strip() or NEWEST
    query = request.GET.copy()
    query.pop("page", None)
    found = []
    for key, label in COLUMNS:
        entry = {"label": str(label), "key": key, "url": "", "direction": ""}
        if key in ORDERS:
            if current == key:
                entry["direction"], query["sort"] = "asc", f"-{key}"
            elif current == f"-{key}":
                entry["direction"], query["sort"] = "desc", key
            else:
                query["sort"] = key
            entry["url"] = f"?{query.urlencode()}"
        found.append(entry)
    return found


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The auditor's page: browse, filter and sort events, export them, sign checkpoints. A
    plain visit shows the log as the auditor last filtered and sorted it; `clear` forgets
    that."""
    auditor: Any = request.user
    policy.require("audit.read", actor=auditor)
    kept = ListMemory.objects.filter(person=auditor, list_name=MEMORY)
    if CLEAR in request.GET:
        kept.delete()
        return redirect("audit:log")
    if not request.GET:
        memory = kept.first()
        if memory is not None and memory.query:
            return redirect(f"{reverse('audit:log')}?{memory.query}")
    found = log_filter(request.GET)
    valid = found.is_valid()
    asked = _query(request.GET, list(found.form.fields)) if valid else ""
    if asked:
        ListMemory.objects.update_or_create(
            person=auditor, list_name=MEMORY, defaults={"query": asked}
        )
    elif request.GET:
        # a query that does not parse is not kept, nor is one with no filter or order
        kept.delete()
    events = found.qs if valid else AuditEvent.objects.none()
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    latest = Checkpoint.objects.order_by("-tree_size").first()
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": humanize(list(page.object_list), request.user),
            "form": found.form,
            "headers": _headers(request),
            "refused": [] if valid else _refusals(found.form),
            "query": query.urlencode(),
            "exported": _filters(request),
            "actions": sorted({str(label) for label in ACTIONS.values()}),
            "proven_up_to": latest.tree_size if latest else 0,
            "checkpoints": Checkpoint.objects.order_by("-tree_size")[:20],
        },
        status=200 if valid else 400,
    )


@login_required
def people(request: HttpRequest) -> JsonResponse:
    """The name autocomplete of the log's person filter: up to ten people whose name or user
    name starts with or contains what was typed. For those who may read the log only."""
    from django.db.models import Q

    from baomi.people.models import Person

    policy.require("audit.read", actor=request.user)
    # a NUL is no character of a name, and PostgreSQL refuses it in a text comparison
    text = request.GET.get("q", "").replace("\x00", "").strip()[:60]
    found = Person.objects.none()
    if text:
        found = Person.objects.filter(
            Q(full_name__icontains=text) | Q(username__istartswith=text)
        ).order_by("username")[:SUGGESTIONS]
    return JsonResponse(
        {
            "people": [
                {"name": p.display_name, "username": p.username, "label": _suggestion(p)}
                for p in found
            ]
        }
    )


def _refusals(form: object) -> list[str]:
    """Each refused parameter as "label (name): why", so an address typed by hand or a link
    from elsewhere learns which of its parameters did not parse."""
    errors = form.errors  # type: ignore[attr-defined]
    fields = form.fields  # type: ignore[attr-defined]
    return [
        f"{fields[name].label if name in fields else name} ({name}): {' '.join(messages)}"
        for name, messages in errors.items()
    ]


def _suggestion(person: object) -> str:
    return f"{person.display_name} ({person.username})"  # type: ignore[attr-defined]


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The events the filter selects, every page of them, as the page shows them."""
    policy.require("audit.read", actor=request.user)
    if fmt not in exports.FORMATS:
        raise Http404
    found = log_filter(request.GET)
    back = f"{reverse('audit:log')}?{request.GET.urlencode()}"
    if not found.is_valid():
        return redirect(back)
    try:
        data = exports.export_log(
            actor=request.user, events=found.qs, fmt=fmt, filters=_filters(request)
        )
    except ValidationError as exc:
        report(request, exc)
        return redirect(back)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "text/csv; charset=utf-8"
    )
    response = HttpResponse(data, content_type=content_type)
    name = f"{_('Audit log')}.{fmt}"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _covering(seq: int) -> Checkpoint | None:
    """The newest signed checkpoint that covers event `seq`."""
    return Checkpoint.objects.filter(tree_size__gte=seq).order_by("-tree_size").first()


@login_required
def proof(request: HttpRequest, seq: int) -> HttpResponse:
    """Event `seq`, its inclusion proof against the newest signed checkpoint covering it, and
    whether the proof checks; or, before any checkpoint covers it, how to get one."""
    policy.require("audit.read", actor=request.user)
    event = get_object_or_404(AuditEvent, seq=seq)
    stored = _covering(seq)
    context: dict[str, object] = {"row": humanize([event], request.user)[0], "stored": stored}
    if stored is not None:
        cp = read_checkpoint(stored.document)
        found = checkpoints.prove_event(seq, cp)
        context |= {
            "checkpoint": printable_context(cp),
            "event_hash": found.event_hash().hex(),
            "prev_hash": found.prev_hash.hex(),
            "path": [step.hex() for step in found.path],
            "verified": found.verify(cp),
        }
    return render(request, "audit/proof.html", context)


@login_required
def proof_download(request: HttpRequest, seq: int) -> HttpResponse:
    """The inclusion proof as a file, to check with `baomi verify` away from this server."""
    policy.require("audit.read", actor=request.user)
    get_object_or_404(AuditEvent, seq=seq)
    stored = _covering(seq)
    if stored is None:
        raise Http404
    found = checkpoints.prove_event(seq, read_checkpoint(stored.document))
    response = HttpResponse(found.to_json(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="proof-{seq}.json"'
    return response


@login_required
@require_POST
def sign_checkpoint(request: HttpRequest) -> HttpResponse:
    policy.require("audit.read", actor=request.user)
    cp = checkpoints.sign_checkpoint(actor=request.user)
    messages.success(request, _("Checkpoint signed: %(n)s events.") % {"n": cp.tree_size})
    return redirect("audit:log")


@login_required
def checkpoint_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable page of one signed checkpoint, with a QR code of the head."""
    policy.require("audit.read", actor=request.user)
    stored = get_object_or_404(Checkpoint, pk=pk)
    return render(
        request, "audit/checkpoint.html", printable_context(read_checkpoint(stored.document))
    )


@login_required
def checkpoint_download(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require("audit.read", actor=request.user)
    stored = get_object_or_404(Checkpoint, pk=pk)
    response = HttpResponse(stored.document, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{stored.tree_size}.json"'
    return response
