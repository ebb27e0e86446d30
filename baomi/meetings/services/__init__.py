"""Services of classified meetings: one function per action, each checking the rules, changing
state and recording its audit event in one transaction."""

from .closing import check_venue, close_meeting, relay, submit_news_copy
from .documents import (
    collect,
    hand_out,
    outstanding,
    register_meeting_document,
    register_recording,
    report_missing,
)
from .planning import add_participant, approve_plan, plan_meeting, sign_off_security, write_plan
from .session import adjourn, announce_discipline, check_in, open_meeting, resume

__all__ = [
    "add_participant",
    "adjourn",
    "announce_discipline",
    "approve_plan",
    "check_in",
    "check_venue",
    "close_meeting",
    "collect",
    "hand_out",
    "open_meeting",
    "outstanding",
    "plan_meeting",
    "register_meeting_document",
    "register_recording",
    "relay",
    "report_missing",
    "resume",
    "sign_off_security",
    "submit_news_copy",
    "write_plan",
]
