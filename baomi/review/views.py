"""The review desk: submit a manuscript, see its findings highlighted beside the text, refer,
decide, download the redacted text. Each form calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import act_then_show, report, violation_messages
from baomi.core.models import OrgUnit
from baomi.core.visibility import visible_or_404
from baomi.ledger.consent import posted_letter
from baomi.people.views import AuthedRequest

from . import desk, services
from .docx_redact import DocxMismatch, redact_docx
from .lists import MANUSCRIPTS, TERMS
from .models import Decision, Manuscript, Referral, ReleaseConsent, SensitiveTerm

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the decision form's fields that show their own errors; the others' show above the form
AT_FIELDS = {
    "verdict",
    "reasons",
    "left_in",
    "redactions",
    "nothing_to_cut",
    "nothing_to_cut_reason",
}


def _manuscript(request: AuthedRequest, pk: int) -> Manuscript:
    return visible_or_404(Manuscript, request.user, pk=pk)


def _back(request: AuthedRequest, action: Any, done: str, pk: int) -> HttpResponse:
    return act_then_show(request, action, done, "review:manuscript", pk=pk)


@login_required
def manuscripts(request: AuthedRequest) -> HttpResponse:
    """送审: the manuscripts a person may see, and a form to submit one."""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            manuscript = services.submit_manuscript(
                actor=request.user,
                title=request.POST.get("title", ""),
                kind=request.POST.get("kind", Manuscript.Kind.TEXT),
                outlet=request.POST.get("outlet", ""),
                text=request.POST.get("text", ""),
                data=upload.read() if upload else None,
                file_name=(upload.name or "") if upload else "",
            )
        except ValidationError as exc:
            report(request, exc)
            return redirect("review:manuscripts")
        messages.success(request, _("Submitted and scanned."))
        return redirect("review:manuscript", pk=manuscript.pk)
    return MANUSCRIPTS.response(
        request, kinds=Manuscript.Kind.choices, reviewer=services.may_review(request.user)
    )


@login_required
def manuscript(request: AuthedRequest, pk: int) -> HttpResponse:
    """The desk: the text with its findings highlighted, the findings beside it, and the
    reviewer's forms."""
    return _desk(request, _manuscript(request, pk))


def _desk(
    request: AuthedRequest,
    found: Manuscript,
    *,
    preview: bool = False,
    problems: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The desk as a person may see it. A posted cut (`preview`, or an apply that was refused)
    is shown again as posted: the chosen findings ticked, the typed spans and every field kept,
    and the text as it would be released."""
    person = request.user
    problems = problems or {}
    reviewer = services.may_review(person)
    # the author sees the decision, not the findings: a scan would otherwise answer anyone
    # asking whether a sentence they guessed stands in some classified document
    findings = (
        list(found.findings.select_related("document__department", "secret_item"))
        if services.may_see_findings(person, found, reviewer=reviewer)
        else []
    )
    posted = request.POST if request.method == "POST" else None
    chosen = desk.posted_spans(posted) if posted is not None else []
    spans = desk.merged(chosen, len(found.text))
    rows = desk.rows(found.text, findings, person, chosen)
    still_open = [r for r in rows if r.open]
    undecided = found.state in (Manuscript.State.SUBMITTED, Manuscript.State.REFERRED)
    decides = reviewer and undecided and services.may_review_this(person, found)
    if posted is not None and posted.get("verdict") in Decision.Verdict.values:
        verdict = posted["verdict"]
    elif not still_open:  # nothing open: approval is the natural answer, as cut or not
        verdict = Decision.Verdict.REDACT if spans else Decision.Verdict.APPROVE
    else:  # findings open: the reviewer chooses, nothing is preselected
        verdict = ""
    shown = services.redact(found.text, spans) if preview else found.text
    marked: list[Any] = [r.finding for r in still_open] if preview else findings
    if preview:
        marked = [*marked, *(desk.Cut(a, b) for a, b in spans)]
    return render(
        request,
        "review/manuscript.html",
        {
            "manuscript": found,
            "pieces": desk.pieces(shown, marked),
            "rows": rows,
            "open_count": len(still_open),
            "reviewer": reviewer,
            "decides": decides,
            "own": reviewer and undecided and not decides,
            "preview": preview,
            "previewed": desk.spans_key(spans) if preview else "",
            "spans_count": len(spans),
            "cut_characters": sum(b - a for a, b in spans),
            "typed": desk.typed_spans(chosen, findings) if posted is not None else "",
            "posted": posted or {},
            "verdict": verdict,
            "problems": problems,
            "problems_general": [
                line
                for field, lines in problems.items()
                if field not in AT_FIELDS
                for line in lines
            ],
            "referrals": found.referrals.select_related("department", "signed_by"),
            "to_sign": found.referrals.filter(
                department=person.department_id, signed_at=None
            ).first()
            if services.signs_referrals(person)
            else None,
            "decision": found.decisions.select_related("decided_by", "consent").first(),
            "departments": OrgUnit.objects.exclude(pk=found.department_id).order_by("path"),
            "verdicts": Decision.Verdict.choices,
        },
        status=status,
    )


@login_required
@require_POST
def rescan(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _manuscript(request, pk)
    return _back(
        request,
        lambda: services.scan_manuscript(actor=request.user, manuscript=found),
        _("Scanned again."),
        pk,
    )


@login_required
@require_POST
def refer(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _manuscript(request, pk)
    department = request.POST.get("department", "")
    unit = OrgUnit.objects.filter(pk=int(department)).first() if department.isdigit() else None
    return _back(
        request,
        lambda: services.refer_manuscript(actor=request.user, manuscript=found, department=unit),
        _("Referred."),
        pk,
    )


@login_required
@require_POST
def sign(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = visible_or_404(Referral, request.user, pk=pk)
    _manuscript(request, referral.manuscript_id)
    return _back(
        request,
        lambda: services.sign_referral(
            actor=request.user,
            referral=referral,
            agreed=request.POST.get("agreed") == "1",
            comment=request.POST.get("comment", ""),
        ),
        _("Signed."),
        referral.manuscript_id,
    )


@login_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    """Preview the chosen cut, or apply it with the verdict. A cut is applied only as it was
    previewed: an apply whose spans differ from the preview's shows the preview again."""
    found = _manuscript(request, pk)
    spans = desk.merged(desk.posted_spans(request.POST), len(found.text))
    step = request.POST.get("step", "apply")
    if step == "preview" or (spans and request.POST.get("previewed") != desk.spans_key(spans)):
        if step != "preview":
            messages.warning(request, _("Look at the preview of this cut before applying it."))
        return _desk(request, found, preview=True)
    try:
        services.decide_manuscript(
            actor=request.user,
            manuscript=found,
            verdict=request.POST.get("verdict", ""),
            reasons=request.POST.get("reasons", ""),
            redactions=spans,
            consent=posted_letter(request),
            nothing_to_cut=request.POST.get("nothing_to_cut") == "1",
            nothing_to_cut_reason=request.POST.get("nothing_to_cut_reason", ""),
            left_in=request.POST.get("left_in", ""),
        )
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return _desk(request, found, preview=bool(spans), problems=fields, status=400)
    except policy.RuleViolation as exc:
        lines = {"": violation_messages(exc)}
        return _desk(request, found, preview=bool(spans), problems=lines, status=400)
    messages.success(request, _("Decided."))
    return redirect("review:manuscript", pk=pk)


@login_required
def consent_scan(request: AuthedRequest, pk: int) -> HttpResponse:
    """The scan of the issuing unit's letter of consent, to who may open the manuscript."""
    from baomi.ledger.views import CONTENT_TYPES, _download

    found = visible_or_404(
        ReleaseConsent.objects.filter(scan_type__in=CONTENT_TYPES), request.user, pk=pk
    )
    data = services.read_consent_scan(actor=request.user, consent=found)
    return _download(data, CONTENT_TYPES[found.scan_type], found.scan_name)


@login_required
def redacted(request: AuthedRequest, pk: int) -> HttpResponse:
    """The redacted text of the decision, as plain UTF-8 text."""
    found = _manuscript(request, pk)
    decision = found.decisions.filter(verdict=Decision.Verdict.REDACT).first()
    if decision is None:
        raise Http404
    response = HttpResponse(decision.redacted_text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="manuscript-{found.pk}-redacted.txt"'
    return response


@login_required
def redacted_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    """The redacted DOCX of the decision: the submitted file cut run by run, its layout kept."""
    from baomi.ledger.views import _download

    found = _manuscript(request, pk)
    decision = found.decisions.filter(verdict=Decision.Verdict.REDACT).first()
    if decision is None or found.kind != Manuscript.Kind.DOCX or not found.has_original:
        raise Http404
    try:
        data = redact_docx(found.read_original(), found.text, decision.redactions)
    except DocxMismatch as exc:
        messages.error(request, str(exc))
        return redirect("review:manuscript", pk=pk)
    return _download(data, DOCX_TYPE, f"manuscript-{found.pk}-redacted.docx")


@login_required
def terms(request: AuthedRequest) -> HttpResponse:
    """The organization's sensitive-term list, kept by the reviewers."""
    policy.require("manuscript.review", actor=request.user)  # a refused role: 403 naming the rule
    if request.method == "POST":
        try:
            services.add_sensitive_term(
                actor=request.user,
                text=request.POST.get("text", ""),
                kind=request.POST.get("kind", ""),
                note=request.POST.get("note", ""),
            )
        except (ValidationError, policy.RuleViolation) as exc:
            report(request, exc)
        else:
            messages.success(request, _("Added."))
        return redirect("review:terms")
    return TERMS.response(request, kinds=SensitiveTerm.Kind.choices)
