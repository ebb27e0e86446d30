"""An oversized body is refused by its declared length, before anything reads it; the largest
legitimate upload still passes."""

from __future__ import annotations

import pytest
from django.conf import settings

from baomi.people.models import Person
from baomi.people.services import create_person
from baomi.review.extract import MAX_BYTES, MAX_CHARACTERS
from baomi.review.models import Manuscript

pytestmark = pytest.mark.django_db
GIGABYTE = str(2**30)


class Unreadable:
    """A wsgi.input that fails the test if anything reads from it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the request body was read")

    readline = read
    readlines = read

    def __iter__(self) -> Unreadable:
        raise AssertionError("the request body was read")


def unread(**extra: str) -> dict[str, object]:
    return {"wsgi.input": Unreadable(), **extra}


@pytest.fixture
def reviewer() -> Person:
    # 保密办's security officer may submit manuscripts
    from baomi.core.services import create_org_unit
    from baomi.people.models import Post

    return create_person(
        actor=None,
        username="wuhui",
        full_name="吴慧",
        password="Correct-horse-7",
        must_change_password=False,
        department=create_org_unit(actor=None, name="保密办"),
        posts=[Post.SECURITY_OFFICER],
        tier="important",
    )


def test_a_gigabyte_upload_to_a_page_is_refused_unread_in_the_persons_language(client, reviewer):
    client.force_login(reviewer)
    refused = client.generic(
        "POST",
        "/review/",
        content_type="multipart/form-data; boundary=x",
        **unread(CONTENT_LENGTH=GIGABYTE),
    )
    assert refused.status_code == 413
    assert refused["Content-Type"] == "text/plain; charset=utf-8"
    assert refused.content.decode() == "请求大于 25 MB。"
    english = client.generic(
        "POST", "/review/", **unread(CONTENT_LENGTH=GIGABYTE, HTTP_ACCEPT_LANGUAGE="en")
    )
    assert english.content.decode() == "The request is larger than 25 MB."
    assert "no-store" in refused["Cache-Control"] and "Content-Security-Policy" in refused
    assert not Manuscript.objects.exists()


def test_a_gigabyte_upload_to_the_api_is_a_problem_document_even_before_sign_in(client):
    refused = client.generic(
        "POST",
        "/api/v1/review/manuscripts/",
        **unread(CONTENT_LENGTH=GIGABYTE, HTTP_ACCEPT_LANGUAGE="en"),
    )
    assert refused.status_code == 413
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json() == {
        "type": "urn:baomi:problem:request-refused",
        "title": "The request is refused.",
        "status": 413,
        "detail": "The request is larger than 25 MB.",
    }


def test_a_chunked_body_without_a_length_is_refused_unread(client):
    refused = client.generic(
        "POST", "/api/v1/review/manuscripts/", **unread(HTTP_TRANSFER_ENCODING="chunked")
    )
    assert refused.status_code == 411
    assert refused.json()["detail"] == "请求须注明 Content-Length。"


def test_the_cap_is_the_setting_and_a_body_of_exactly_that_size_passes(client, settings):
    settings.BAOMI_MAX_REQUEST_BYTES = 2 * 2**20
    body = "username=nobody&password=" + "x" * (2 * 2**20 - 25)
    assert len(body) == 2 * 2**20
    passed = client.post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert passed.status_code == 200 and "form" in passed.content.decode()
    over = client.post(
        "/accounts/login/", body + "x", content_type="application/x-www-form-urlencoded"
    )
    assert over.status_code == 413 and over.content.decode() == "请求大于 2 MB。"


def test_the_largest_legitimate_manuscripts_pass_the_cap(client, reviewer):
    """A text of the longest length reviewed, posted as a plain form (each character three
    bytes of UTF-8, percent-encoded), and a file of the largest size reviewed, both reach the
    review, which judges them itself."""
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.BAOMI_MAX_REQUEST_BYTES
    client.force_login(reviewer)
    text = "密" * MAX_CHARACTERS
    response = client.post(
        "/review/",
        f"title=%E9%95%BF%E7%A8%BF&kind=text&text={'%E5%AF%86' * MAX_CHARACTERS}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Manuscript.objects.get(title="长稿").text == text

    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.txt", b"a" * MAX_BYTES, content_type="text/plain")
    refused = client.post(
        "/review/",
        {"title": "大文件", "kind": "text", "file": big},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    # the review's own refusal (too many characters), not the cap's
    assert refused.status_code == 200 and refused.redirect_chain
    assert "The text is longer than 2000000 characters" in refused.content.decode()
