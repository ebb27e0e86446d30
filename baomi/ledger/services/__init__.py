"""Services of the ledger: one function per user action (check the rules, change the state,
append the audit event, in one transaction), grouped by what they act on."""

from .access import (
    ask_to_widen_scope,
    route_for_instructions,
    view_copy,
    view_document,
    widen_scope,
    write_instructions,
)
from .attachments import attach_content, read_consent_scan, read_content, release_content
from .classification import (
    CHANGES,
    ask_to_change_classification,
    change_classification,
    declassify_due,
    holders,
)
from .printing import ask_to_print
from .registration import (
    create_cabinet,
    destroy_print_waste,
    print_internal,
    receive_incoming,
    record_print_waste,
    register_compilation,
    register_extract,
    register_incoming,
    register_internal,
    register_outgoing,
    sign_for_receipt,
)
from .spreadsheets import ImportReport, export_register, import_register

__all__ = [
    "CHANGES",
    "ImportReport",
    "ask_to_change_classification",
    "ask_to_print",
    "ask_to_widen_scope",
    "attach_content",
    "change_classification",
    "create_cabinet",
    "declassify_due",
    "destroy_print_waste",
    "export_register",
    "holders",
    "import_register",
    "print_internal",
    "read_consent_scan",
    "read_content",
    "receive_incoming",
    "record_print_waste",
    "register_compilation",
    "register_extract",
    "register_incoming",
    "register_internal",
    "register_outgoing",
    "release_content",
    "route_for_instructions",
    "sign_for_receipt",
    "view_copy",
    "view_document",
    "widen_scope",
    "write_instructions",
]
