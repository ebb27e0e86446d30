"""A small organization with a reviewer, a classified document whose text Baomi holds and
indexes, and a term on the organization's list."""

from __future__ import annotations

import pytest

from baomi.core.levels import Tier
from baomi.ledger.models import SecretItem
from baomi.ledger.services import attach_content
from baomi.people.models import Post
from baomi.review import scanning
from baomi.review.services import add_sensitive_term
from tests.ledger.factories import make_org, person, register

SOURCE = (
    "关于二〇二七年重大项目布局的请示。经研究，拟在高新区布局集成电路制造基地，首期投资规模为三百亿元，"
    "选址方案分为东区和西区两个备选地块，其中东区地块已完成地质勘察，西区地块尚需征求有关部门意见。"
    "项目建设期间实行封闭管理，相关信息不得对外披露。"
)


@pytest.fixture
def org(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.BAOMI_PROFILE = "classified"
    org = make_org()
    people = org["people"]
    people["reviewer"] = person(
        "reviewer", org["units"]["planning"], posts=(Post.SECURITY_OFFICER,), tier=Tier.CORE
    )
    people["room_leader"] = person(
        "room_leader", org["cabinet"].department, posts=(Post.LEADER,), tier=Tier.CORE
    )
    document = register(org)
    attach_content(actor=people["clerk"], document=document, name="qs.txt", data=SOURCE.encode())
    scanning.rebuild_index()
    SecretItem.objects.create(name="集成电路制造基地", level=3)
    add_sensitive_term(actor=people["reviewer"], text="封闭管理", kind="unpublished")
    org["document"] = document
    return org
