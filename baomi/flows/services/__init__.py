"""Services of the daily flows: one function per user action (check the rules, move the copy
through the ledger's state machine, record the event, in one transaction), one module per flow."""

from .archive import archive_copies, due_for_archiving, whole_volumes
from .circulation import (
    chase_list,
    chase_overdue_readers,
    comment_on_copy,
    hand_to_reader,
    sign_before_clerk,
    sign_for_copy,
    start_circulation,
    take_back,
)
from .copying import reproduce_copies
from .custody import (
    check_custody_at_closing,
    escalate_still_out,
    outside_cabinets,
    sign_closing_sheet,
    unchecked_days,
)
from .destruction import destroy_batch, list_for_destruction, whole_batches
from .handover import (
    cancel_handover,
    check_handover_item,
    held_by,
    listed_copy,
    open_handover,
    sign_handover,
)
from .instructions import chase_instructions, open_instructions, record_carrying_out
from .loans import ask_to_borrow, lend_copy, overdue_loans, return_loan
from .losses import (
    deem_leak,
    deem_leaks_due,
    mark_found,
    record_authority_report,
    report_lost,
    warn_unreported_losses,
    write_off,
)
from .offers import ACTIONS, CopyActions, copy_actions
from .stocktake import (
    STORED,
    StocktakeResult,
    close_stocktake,
    open_stocktake,
    recall_list,
    record_seen,
    remind_stocktake,
    stocktake_due,
    stocktake_result,
)
from .transfer import bring_back, carry_out, confirm_delivery, create_channel, send_copy

__all__ = [
    "ACTIONS",
    "STORED",
    "CopyActions",
    "StocktakeResult",
    "archive_copies",
    "ask_to_borrow",
    "bring_back",
    "cancel_handover",
    "carry_out",
    "chase_instructions",
    "chase_list",
    "chase_overdue_readers",
    "check_custody_at_closing",
    "check_handover_item",
    "close_stocktake",
    "comment_on_copy",
    "confirm_delivery",
    "copy_actions",
    "create_channel",
    "deem_leak",
    "deem_leaks_due",
    "destroy_batch",
    "due_for_archiving",
    "escalate_still_out",
    "hand_to_reader",
    "held_by",
    "lend_copy",
    "list_for_destruction",
    "listed_copy",
    "mark_found",
    "open_handover",
    "open_instructions",
    "open_stocktake",
    "outside_cabinets",
    "overdue_loans",
    "recall_list",
    "record_authority_report",
    "record_carrying_out",
    "record_seen",
    "remind_stocktake",
    "report_lost",
    "reproduce_copies",
    "return_loan",
    "send_copy",
    "sign_before_clerk",
    "sign_closing_sheet",
    "sign_for_copy",
    "sign_handover",
    "start_circulation",
    "stocktake_due",
    "stocktake_result",
    "take_back",
    "unchecked_days",
    "warn_unreported_losses",
    "whole_batches",
    "whole_volumes",
    "write_off",
]
