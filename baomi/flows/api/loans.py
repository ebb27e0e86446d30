"""借阅 endpoints."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from baomi.approvals.api import ApprovalSerializer
from baomi.core.api import VisibleReadViewSet
from baomi.core.errors import validated
from baomi.core.inputs import id_field
from baomi.ledger.models import Document
from baomi.people.models import person_of

from .. import services
from ..models import (
    Loan,
)
from ._common import CopyRefSerializer, _approval, _copy, _staff


class LoanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Loan
        fields = [
            "id",
            "copy",
            "borrower",
            "lent_by",
            "place",
            "lent_at",
            "due_at",
            "returned_at",
            "approval",
            "loan_approval",
        ]


class LendSerializer(CopyRefSerializer):
    borrower = serializers.PrimaryKeyRelatedField(queryset=_staff())
    place = serializers.ChoiceField(choices=Loan.Place.choices, default=Loan.Place.OFFICE)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    approval = id_field(required=False, allow_null=True, default=None)
    loan_approval = id_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="the office head's approval; by default the borrower's approved one is used",
    )


class LoanRequestSerializer(serializers.Serializer):
    document = id_field(help_text="document id")
    summary = serializers.CharField(max_length=200, help_text="why the copy is borrowed")


class LoanViewSet(VisibleReadViewSet):
    """借阅: open loans first, then the returned ones."""

    serializer_class = LoanSerializer
    queryset = Loan.objects.order_by("-returned_at", "due_at", "id")

    @extend_schema(request=LendSerializer, responses={201: LoanSerializer})
    def create(self, request: Request) -> Response:
        v = validated(LendSerializer, request)
        # the borrower's own approvals (to read at home; the office head's), used up by this loan
        approval = _approval(v["approval"], v["borrower"])
        loan_approval = _approval(v["loan_approval"], v["borrower"])
        loan = services.lend_copy(
            actor=person_of(request),
            copy=_copy(request, v),
            borrower=v["borrower"],
            place=v["place"],
            due_at=v["due_at"],
            approval=approval,
            loan_approval=loan_approval,
        )
        return Response(LoanSerializer(loan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LoanRequestSerializer, responses={201: ApprovalSerializer})
    @action(detail=False, methods=["post"])
    def requests(self, request: Request) -> Response:
        """Ask the office head to approve lending me a copy of a document (DOC.LOAN.APPROVAL)."""
        v = validated(LoanRequestSerializer, request)
        document = Document.objects.visible_to(request.user).filter(pk=v["document"]).first()
        if document is None:
            raise NotFound
        asked = services.ask_to_borrow(
            actor=person_of(request), document=document, reason=v["summary"]
        )
        return Response(
            ApprovalSerializer(asked, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={200: LoanSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str) -> Response:
        loan = services.return_loan(actor=person_of(request), loan=self.get_object())
        return Response(LoanSerializer(loan).data)
