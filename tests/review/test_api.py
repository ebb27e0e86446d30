"""The review's REST API: submit, findings for the reviewer only, refer, sign, decide."""

from __future__ import annotations

import pytest

from tests.support import api
from tests.support.factories import REVIEW_SOURCE as SOURCE

pytestmark = pytest.mark.django_db


@pytest.mark.refuses("PUB.REVIEW")
def test_a_manuscript_through_the_api_from_submission_to_redacted_release(org):
    author, reviewer = org["people"]["insider"], org["people"]["reviewer"]
    made = api(author).post(
        "/api/v1/manuscripts/",
        {"title": "新闻稿", "kind": "text", "text": "本报讯 " + SOURCE[20:90]},
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["findings"] is None  # the author never sees them
    seen = api(reviewer).get(f"/api/v1/manuscripts/{pk}/").json()
    kinds = {f["kind"] for f in seen["findings"]}
    assert "excerpt" in kinds and "term" in kinds
    refused = api(reviewer).post(
        f"/api/v1/manuscripts/{pk}/decide/", {"verdict": "approve"}, format="json"
    )
    assert refused.status_code == 403
    assert "PUB.REVIEW" in [v["rule"] for v in refused.json()["violations"]]
    spans = [[f["start"], f["end"]] for f in seen["findings"]]
    done = api(reviewer).post(
        f"/api/v1/manuscripts/{pk}/decide/",
        {"verdict": "redact", "reasons": "删去项目布局", "redactions": spans},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "redacted"
    text = api(author).get(f"/api/v1/manuscripts/{pk}/redacted/").content.decode()
    assert text.startswith("本报讯") and "集成电路" not in text


def test_a_bad_upload_through_the_api_names_the_field(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(org["people"]["insider"]).post(
        "/api/v1/manuscripts/",
        {"title": "稿件", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 /Encrypt")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "password-protected" in response.content.decode()


def test_referral_and_signing_through_the_api(org):
    reviewer, leader = org["people"]["reviewer"], org["people"]["room_leader"]
    pk = (
        api(org["people"]["insider"])
        .post("/api/v1/manuscripts/", {"title": "稿", "text": "普通稿件"}, format="json")
        .json()["id"]
    )
    referral = api(reviewer).post(
        f"/api/v1/manuscripts/{pk}/refer/",
        {"department": org["cabinet"].department.pk},
        format="json",
    )
    assert referral.status_code == 201
    signed = api(leader).post(
        f"/api/v1/referrals/{referral.json()['id']}/sign/", {"agreed": True}, format="json"
    )
    assert signed.status_code == 200 and signed.json()["agreed"] is True
    assert api(org["people"]["general"]).get(f"/api/v1/manuscripts/{pk}/").status_code == 404


@pytest.mark.usefixtures("steady_policy")
def test_the_list_is_a_summary_in_a_fixed_number_of_queries(org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    author, reviewer = org["people"]["insider"], org["people"]["reviewer"]

    def submit(n):
        for i in range(n):
            api(author).post(
                "/api/v1/manuscripts/",
                {"title": f"稿{i}", "text": "本报讯 " + SOURCE[20:90]},
                format="json",
            )

    def listed(who):
        client = api(who)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/manuscripts/")
        assert response.status_code == 200
        return response.json()["results"], len(queries)

    submit(1)
    one, few = listed(reviewer)
    submit(4)
    five, more = listed(reviewer)
    assert len(one) == 1 and len(five) == 5 and more == few
    mine, queries = listed(author)
    assert len(mine) == 5 and queries == few
    for row in five:
        assert {"id", "title", "state"} <= row.keys()
        assert not {"text", "findings", "decision", "referrals"} & row.keys()
    detail = api(reviewer).get(f"/api/v1/manuscripts/{five[0]['id']}/").json()
    assert detail["text"].startswith("本报讯") and detail["findings"]
