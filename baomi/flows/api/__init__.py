"""REST API of the daily flows, one module per aggregate; `register_routes` mounts them all.

Copies are named by id or by their label's code; whatever the person may not know of answers
404. Denials are problem+json naming the rules, as everywhere.
"""

from __future__ import annotations

from typing import Any

from .archive import ArchiveVolumeViewSet
from .circulation import CirculationViewSet, StepViewSet
from .copying import reproduce
from .destruction import DestructionBatchViewSet
from .handover import HandoverViewSet
from .instructions import InstructionViewSet
from .loans import LoanViewSet
from .losses import LossReportViewSet
from .stocktake import StocktakeViewSet
from .transfer import CarryOutViewSet, ChannelViewSet, TransferViewSet


def register_routes(router: Any) -> None:
    """Mount the flows' endpoints on the API's router."""
    router.register("circulations", CirculationViewSet, basename="circulation")
    router.register("circulation-steps", StepViewSet, basename="circulation-step")
    router.register("loans", LoanViewSet, basename="loan")
    router.register("loss-reports", LossReportViewSet, basename="loss-report")
    router.register("channels", ChannelViewSet, basename="channel")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("carry-outs", CarryOutViewSet, basename="carry-out")
    router.register("handovers", HandoverViewSet, basename="handover")
    router.register("destruction-batches", DestructionBatchViewSet, basename="destruction-batch")
    router.register("stocktakes", StocktakeViewSet, basename="stocktake")
    router.register("archive-volumes", ArchiveVolumeViewSet, basename="archive-volume")
    router.register("instructions", InstructionViewSet, basename="instruction")


def urls() -> list[Any]:
    """Endpoints that are single actions rather than collections."""
    from django.urls import path

    return [path("reproductions/", reproduce, name="api-reproduce")]
