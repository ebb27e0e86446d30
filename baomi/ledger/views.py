"""Ledger pages: the register (every list starts from visible_to) and a document's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import add_to_form, report
from baomi.core.http import form_checks_text
from baomi.core.inputs import posted_int
from baomi.core.query import filtered
from baomi.core.visibility import visible_or_404
from baomi.people.models import Person
from baomi.people.views import AuthedRequest

from . import document_page, services
from .forms import IncomingForm, InternalForm, OutgoingForm, PrintRunRequestForm, PrintWasteForm
from .lists import REGISTER, RegisterFilter
from .models import Attachment, Consent, Copy, Document, Instruction, PrintWaste
from .printables import MAX_LABELS
from .queries import register_for
from .registers import REGISTERS


@login_required
def register(request: AuthedRequest) -> HttpResponse:
    return REGISTER.response(request, registers=REGISTERS.values())


@login_required
def document(request: AuthedRequest, pk: int) -> HttpResponse:
    """A document's object page: its marking and state in the header, the actions the person
    may take on it, and tabs for its details, copies, approvals, content and history."""
    found = visible_or_404(Document, request.user, pk=pk)
    services.view_document(actor=request.user, document=found)
    return render(request, "ledger/document.html", document_page.context(request.user, found))


@login_required
@require_POST
def route(request: AuthedRequest, pk: int) -> HttpResponse:
    found = visible_or_404(Document, request.user, pk=pk)
    try:
        leader = Person.objects.filter(pk=posted_int(request, "leader", default=0)).first()
        if leader is None:
            raise ValidationError({"leader": _("Choose the leader.")})
        services.route_for_instructions(actor=request.user, document=found, leader=leader)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    return redirect("ledger:document", pk=pk)


@login_required
@require_POST
def instruct(request: AuthedRequest, pk: int) -> HttpResponse:
    instruction = visible_or_404(
        Instruction.objects.filter(leader=request.user), request.user, pk=pk
    )
    try:
        services.write_instructions(
            actor=request.user, instruction=instruction, text=request.POST.get("text", "")
        )
    except ValidationError as exc:
        report(request, exc)
    return redirect("ledger:document", pk=instruction.document_id)


REGISTRATION: dict[str, tuple[type[forms.Form], Callable[..., Document], Any]] = {
    Document.Origin.INCOMING: (
        IncomingForm,
        services.register_incoming,
        gettext_lazy("Register an incoming item"),
    ),
    Document.Origin.INTERNAL: (
        InternalForm,
        services.register_internal,
        gettext_lazy("Register a print run"),
    ),
    Document.Origin.OUTGOING: (
        OutgoingForm,
        services.register_outgoing,
        gettext_lazy("Register an outgoing item"),
    ),
}


#: the rules whose denial is about one field of the registration form, shown at that field
RULE_FIELDS = {
    "DOC.STORE": "cabinet",
    "CLS.MARKING": "marking",
    "CLS.PERIOD.MAX": "marking",
    "CLS.BASIS": "basis_reason",
    "DOC.PRINT.SCOPE": "approval",
}


@form_checks_text
@login_required
def new_registration(request: AuthedRequest, origin: str) -> HttpResponse:
    """收文、印制、发文登记: one page per path, each with the fields its rules need. "Save and
    register the next" comes back to a fresh form that starts from the item just registered
    (`?after=`): its issuer, date, kind, cabinet and knowledge scope."""
    form_class, service, title = REGISTRATION[Document.Origin(origin)]
    initial = {}
    after = request.GET.get("after", "")
    if request.method != "POST" and after.isdigit() and len(after) < 12:
        previous = Document.objects.visible_to(request.user).filter(pk=int(after)).first()
        if previous is not None:
            initial = form_class.initial_after(previous, request.user)  # type: ignore[attr-defined]
    form = form_class(request.POST or None, initial=initial)
    if isinstance(form, InternalForm):
        form.offer(request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            created = service(actor=request.user, **data)
        except (ValidationError, policy.RuleViolation) as exc:
            add_to_form(form, exc, at=RULE_FIELDS)
        else:
            if request.POST.get("and_next"):
                messages.success(request, _registered(created))
                return redirect(f"{request.path}?after={created.pk}")
            messages.success(
                request, _("Registered with %(n)s copies.") % {"n": created.copies.count()}
            )
            return redirect("ledger:document", pk=created.pk)
    return render(request, "ledger/new.html", {"form": form, "title": title, "registration": True})


def _registered(document: Document) -> str:
    """The message after "save and register the next": the item registered, linked."""
    link = format_html(
        '<a href="{}" class="alert-link">{}</a>',
        reverse("ledger:document", args=[document.pk]),
        f"{document.title}（{document.marking}）" if document.marking else document.title,
    )
    text = escape(_("Registered %(document)s with %(n)s copies; the next one starts below."))
    return mark_safe(text % {"document": link, "n": document.copies.count()})


@form_checks_text
@login_required
def ask_print(request: AuthedRequest) -> HttpResponse:
    """Ask a leader to approve a print run's distribution (发送范围) before printing it."""
    form = PrintRunRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.ask_to_print(actor=request.user, **form.cleaned_data)
        except (ValidationError, policy.RuleViolation) as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Your request went to the approver."))
            return redirect("approvals:detail", pk=asked.pk)
    return render(
        request,
        "ledger/new.html",
        {
            "form": form,
            "title": _("Ask for a print run's distribution"),
            "submit": _("Ask for approval"),
        },
    )


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    """The addressee signs for an item a proxy received."""
    found = visible_or_404(Document, request.user, pk=pk)
    try:
        services.sign_for_receipt(actor=request.user, document=found)
    except ValidationError as exc:
        report(request, exc)
    return redirect("ledger:document", pk=pk)


@form_checks_text
@login_required
@require_POST
def record_waste(request: AuthedRequest, pk: int) -> HttpResponse:
    found = visible_or_404(Document, request.user, pk=pk)
    form = PrintWasteForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.record_print_waste(actor=request.user, document=found, **form.cleaned_data)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    return redirect("ledger:document", pk=pk)


@login_required
@require_POST
def destroy_waste(request: AuthedRequest, pk: int) -> HttpResponse:
    waste = visible_or_404(PrintWaste, request.user, pk=pk)
    try:
        supervisor = Person.objects.filter(pk=posted_int(request, "supervisor", default=0)).first()
        if supervisor is None:
            raise ValidationError({"supervisor": _("Choose who supervises the destruction.")})
        services.destroy_print_waste(actor=request.user, waste=waste, supervisor=supervisor)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    return redirect("ledger:document", pk=waste.document_id)


def _visible_copy(person, **lookup):  # type: ignore[no-untyped-def]
    return visible_or_404(
        Copy.objects.select_related("document", "cabinet", "holder"), person, **lookup
    )


@login_required
def copy(request: AuthedRequest, pk: int) -> HttpResponse:
    """One copy: where it is, every action the person may take on it now (the workbench's
    action panel), and its history from the audit log."""
    # flows builds on the ledger: the action panel is its, imported here, not at the top
    from baomi.flows.views.desk import ON_THE_COPY_PAGE, panel_context

    found = _visible_copy(request.user, pk=pk)
    services.view_copy(actor=request.user, copy=found)
    context = panel_context(request, found, target=ON_THE_COPY_PAGE)
    return render(request, "ledger/copy.html", context)


@login_required
def scan(request: AuthedRequest) -> HttpResponse:
    """The scan field: a USB scanner types the label's code and Enter; the copy's page opens."""
    parsed = Copy.parse_scan_code(request.GET.get("code", ""))
    if parsed is None:
        messages.error(request, _("That is not a copy label."))
        return redirect("ledger:register")
    document_id, copy_no = parsed
    found = _visible_copy(request.user, document_id=document_id, copy_no=copy_no)
    return redirect("ledger:copy", pk=found.pk)


@login_required
@require_POST
def labels_picked(request: AuthedRequest) -> HttpResponse:
    """The register's bulk action: the label sheet of every copy of the documents picked."""
    picked = [int(v) for v in request.POST.getlist("pick") if v.isdigit()]
    documents = Document.objects.visible_to(request.user).filter(pk__in=picked)
    copies = (
        Copy.objects.visible_to(request.user)
        .filter(document__in=documents)
        .order_by("document_id", "copy_no")
        .values_list("pk", flat=True)[:MAX_LABELS]
    )
    if not copies:
        messages.error(request, _("Pick at least one document with copies."))
        return redirect("ledger:register")
    query = "&".join(f"copy={pk}" for pk in copies)
    return redirect(f"{reverse('ledger:batch-labels')}?{query}")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "txt": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@login_required
@require_POST
def upload(request: AuthedRequest, pk: int) -> HttpResponse:
    found = visible_or_404(Document, request.user, pk=pk)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file."))
        return redirect("ledger:document", pk=pk)
    try:
        services.attach_content(
            actor=request.user, document=found, name=uploaded.name or "", data=uploaded.read()
        )
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, _("The content is stored, encrypted."))
    return redirect("ledger:document", pk=pk)


@login_required
def download(request: AuthedRequest, pk: int) -> HttpResponse:
    attachment = visible_or_404(Attachment.objects.select_related("document"), request.user, pk=pk)
    data = services.read_content(actor=request.user, attachment=attachment)
    return _download(data, CONTENT_TYPES[attachment.file_type], attachment.name)


@login_required
def consent_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    found = visible_or_404(Consent.objects.filter(scan_type__in=CONTENT_TYPES), request.user, pk=pk)
    data = services.read_consent_scan(actor=request.user, consent=found)
    return _download(data, CONTENT_TYPES[found.scan_type], found.scan_name)


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(data: bytes, name: str) -> HttpResponse:
    return _download(data, XLSX, name)


@login_required
def export(request: AuthedRequest, register: str = "carriers", fmt: str = "xlsx") -> HttpResponse:
    """A named register, as filtered on the page, as far as this person may see it."""
    try:
        data = services.export_register(
            actor=request.user,
            documents=filtered(
                RegisterFilter,
                request.GET,
                register_for(request.user, {}, copy_count=False),
                request=request,
            ),
            register=register,
            fmt=fmt,
        )
    except ValidationError as exc:
        report(request, exc)
        return redirect(f"{reverse('ledger:register')}?{request.GET.urlencode()}")
    content_type = "application/pdf" if fmt == "pdf" else XLSX
    return _download(data, content_type, f"{REGISTERS[register].name}.{fmt}")


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    from . import xlsx

    return _xlsx_response(xlsx.template(), "台账导入模板.xlsx")


@login_required
def import_xlsx(request: AuthedRequest) -> HttpResponse:
    """Upload a register: a dry run lists every bad row; only a clean file is saved, whole."""
    outcome = None
    uploaded = request.FILES.get("file") if request.method == "POST" else None
    if uploaded is not None:
        try:
            outcome = services.import_register(
                actor=request.user, data=uploaded.read(), commit="commit" in request.POST
            )
        except (ValidationError, policy.RuleViolation) as exc:
            report(request, exc)
        else:
            if outcome.imported:
                messages.success(request, _("%(n)s documents imported.") % {"n": outcome.imported})
                return redirect("ledger:register")
    return render(request, "ledger/import.html", {"report": outcome})


@login_required
@require_POST
def ask(request: AuthedRequest, pk: int, what: str) -> HttpResponse:
    """Ask the issuing side to widen the scope for someone, or to change the classification."""
    found = visible_or_404(Document, request.user, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if what == "scope":
            target = get_object_or_404(Person, pk=request.POST.get("person"), is_active=True)
            services.ask_to_widen_scope(
                actor=request.user, document=found, person=target, reason=reason
            )
        else:
            services.ask_to_change_classification(
                actor=request.user,
                document=found,
                change=request.POST.get("change", ""),
                marking=request.POST.get("marking", ""),
                reason=reason,
            )
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, _("Your request went to the approver."))
    return redirect("ledger:document", pk=pk)


@login_required
@require_POST
def apply(request: AuthedRequest, pk: int, approval: int) -> HttpResponse:
    """Use an approved request on this document: widen the scope or change the classification."""
    from baomi.approvals.models import Approval

    found = visible_or_404(Document, request.user, pk=pk)
    granted = visible_or_404(Approval.objects.requested_by(request.user), request.user, pk=approval)
    try:
        if granted.kind == "scope.widen":
            services.widen_scope(actor=request.user, document=found, approval=granted)
        else:
            services.change_classification(actor=request.user, document=found, approval=granted)
    except (ValidationError, policy.RuleViolation) as exc:
        report(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect("ledger:document", pk=pk)
