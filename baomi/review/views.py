"""The review desk: submit a manuscript, see its findings highlighted beside the text, refer,
decide, download the redacted text. Each form calls one service."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from baomi import policy
from baomi.core.errors import act_then_show, report
from baomi.core.models import OrgUnit
from baomi.core.visibility import visible_or_404
from baomi.ledger.consent import posted_letter
from baomi.ledger.models import Copy, Document
from baomi.people.views import AuthedRequest

from . import services
from .lists import MANUSCRIPTS
from .models import Decision, Finding, Manuscript, Referral, ReleaseConsent, SensitiveTerm

SPAN = re.compile(r"(\d+)\s*[-–~]\s*(\d+)")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the manuscript text and the findings covering it (none: plain text)."""

    text: str
    findings: tuple[int, ...]
    kinds: str


def pieces(text: str, findings: list[Finding]) -> list[Piece]:
    """The text cut at every finding's start and end, for highlighting overlaps correctly."""
    cuts = sorted({0, len(text), *(f.start for f in findings), *(f.end for f in findings)})
    # one sweep over the cuts: no finding starts or ends inside a piece, so the findings
    # covering the piece a..b are those open at a (start <= a < end)
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for i, f in enumerate(findings):
        if f.start < f.end:
            opening.setdefault(f.start, []).append(i)
            closing.setdefault(f.end, []).append(i)
    open_now: set[int] = set()
    out = []
    for a, b in itertools.pairwise(cuts):
        open_now.difference_update(closing.get(a, ()))
        open_now.update(opening.get(a, ()))
        covering = [findings[i] for i in sorted(open_now)]  # in the order given
        kinds = " ".join(sorted({f.kind for f in covering}))
        out.append(Piece(text[a:b], tuple(f.pk for f in covering), kinds))
    return out


def describe_all(findings: list[Finding], person: Any) -> dict[int, str]:
    """What each finding says to this person, by finding id. A document the person may not
    know of is named only by its level, its registering department and the departments
    holding its copies. Two queries for all the findings, whatever their number."""
    documents = {f.document_id for f in findings if f.document_id}
    known = set(
        Document.objects.visible_to(person).filter(pk__in=documents).values_list("pk", flat=True)
    )
    holders: dict[int, set[str]] = {}
    for document, held_by, kept_by in Copy.objects.filter(
        document__in=documents - known
    ).values_list("document", "holder__department__name", "cabinet__department__name"):
        holders.setdefault(document, set()).update(n for n in (held_by, kept_by) if n)
    return {f.pk: _describe(f, person, known, holders) for f in findings}


def _describe(finding: Finding, person: Any, known: set[int], holders: dict[int, set[str]]) -> str:
    if finding.kind == Finding.Kind.MARKING:
        return str(_("Marking: %(kind)s")) % {"kind": finding.get_detail_display()}
    if finding.kind == Finding.Kind.TERM:
        if finding.secret_item is not None:
            return str(_("Secret item: %(name)s (%(level)s)")) % {
                "name": finding.secret_item.name,
                "level": finding.secret_item.get_level_display(),
            }
        return str(_("Term: %(kind)s")) % {"kind": finding.get_detail_display()}
    document = finding.document
    if document is None:
        return str(_("Excerpt of a document no longer registered"))
    similarity = f"{(finding.similarity or 0) * 100:.0f}%"
    if document.pk in known:
        return str(_("Excerpt of %(title)s %(number)s, similarity %(similarity)s")) % {
            "title": document.title_for(person),
            "number": document.doc_number,
            "similarity": similarity,
        }
    return str(
        _(
            "Excerpt of a %(level)s document of %(department)s, copies held by %(holders)s, "
            "similarity %(similarity)s"
        )
    ) % {
        "level": document.get_level_display(),
        "department": document.department,
        "holders": "、".join(sorted(holders.get(document.pk, ()))) or "—",
        "similarity": similarity,
    }


def _texts(findings: list[Finding], person: Any) -> list[str]:
    described = describe_all(findings, person)
    return [described[f.pk] for f in findings]


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
    person = request.user
    reviewer = services.may_review(person)
    found = _manuscript(request, pk)
    # the author sees the decision, not the findings: a scan would otherwise answer anyone
    # asking whether a sentence they guessed stands in some classified document
    findings = (
        list(found.findings.select_related("document__department", "secret_item"))
        if services.may_see_findings(person, found, reviewer=reviewer)
        else []
    )
    return render(
        request,
        "review/manuscript.html",
        {
            "manuscript": found,
            "pieces": pieces(found.text, findings),
            "findings": [
                (f, text) for f, text in zip(findings, _texts(findings, person), strict=True)
            ],
            "reviewer": reviewer,
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


def redactions_posted(request: AuthedRequest) -> list[list[int]]:
    """Spans ticked beside the findings ("start-end") and typed in ("120-135, 300-310")."""
    typed = request.POST.get("spans", "")
    posted = [*request.POST.getlist("cut"), *re.split(r"[,，;；\s]+", typed)]
    return [
        [int(a), int(b)]
        for text in posted
        if (m := SPAN.fullmatch(text.strip()))
        for a, b in [m.groups()]
    ]


@login_required
@require_POST
def decide(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _manuscript(request, pk)
    return _back(
        request,
        lambda: services.decide_manuscript(
            actor=request.user,
            manuscript=found,
            verdict=request.POST.get("verdict", ""),
            reasons=request.POST.get("reasons", ""),
            redactions=redactions_posted(request),
            consent=posted_letter(request),
            nothing_to_cut=request.POST.get("nothing_to_cut") == "1",
            nothing_to_cut_reason=request.POST.get("nothing_to_cut_reason", ""),
        ),
        _("Decided."),
        pk,
    )


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
    return render(
        request,
        "review/terms.html",
        {"terms": SensitiveTerm.objects.all()[:500], "kinds": SensitiveTerm.Kind.choices},
    )
