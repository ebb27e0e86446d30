"""The page shell: the vendored design system and Chinese font, the navigation each role sees, and
the translated error pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse
from fontTools.ttLib import TTFont
from rest_framework.authtoken.models import Token

from baomi.people.models import AdminRole
from baomi.people.services import create_person
from baomi.web.context import navigation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_key_file")]
PASSWORD = "Correct-horse-7"


def person(username, **kw):
    return create_person(
        actor=None,
        username=username,
        full_name=username,
        password=PASSWORD,
        must_change_password=False,
        **kw,
    )


def signed_in(client, who):
    client.force_login(who)
    return client


def test_every_page_loads_the_vendored_framework_and_no_outside_address(client):
    html = signed_in(client, person("clerk1")).get("/").content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any(s.endswith("tabler/tabler.min.css") for s in sheets)
    assert any(s.endswith("tabler/tabler.min.js") for s in scripts)
    assert not [u for u in sheets + scripts if "//" in u]  # nothing from another host
    for url in sheets + scripts:
        assert finders.find(url.removeprefix("/static/")), url


def test_the_chinese_font_is_shipped_and_named_first_in_the_css():
    css = Path(finders.find("web/baomi.css")).read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\s*{[^}]*}", css)
    files = [re.search(r'url\("([^"]+)"\)', f).group(1) for f in faces]
    assert files == ["fonts/noto-sans-sc-400.woff2", "fonts/noto-sans-sc-700.woff2"]
    stack = re.search(r"--tblr-font-sans-serif:\s*([^;]+);", css).group(1)
    assert stack.startswith('"Baomi Sans SC"')
    for name in files:
        font = TTFont(finders.find(f"web/{name}"))
        assert font.flavor == "woff2"
        covered = set(font.getBestCmap())
        # the office's words, the marking star, both levels of GB 2312, full-width punctuation
        for text in ("保密载体台账", "机密★10年", "鼹鼯", "，。：；“”（）〔〕"):
            assert {ord(c) for c in text} <= covered, text


def test_the_font_is_served_by_the_app(client):
    response = client.get("/static/web/fonts/noto-sans-sc-400.woff2")
    if response.status_code == 404:  # the test server serves static files only in DEBUG
        path = finders.find("web/fonts/noto-sans-sc-400.woff2")
        assert path and Path(path).read_bytes()[:4] == b"wOF2"
    else:
        assert b"".join(response.streaming_content)[:4] == b"wOF2"


def labels(items):
    return [str(i.label) for i in items]


def test_navigation_has_each_label_once_for_every_role():
    clerk = person("clerk2")
    people = [clerk] + [person(f"admin-{role}", admin_role=role) for role in AdminRole.values]
    for who in people:
        names = labels(navigation(who))
        assert len(names) == len(set(names)), names
        assert names[0] == "首页"


def test_the_api_docs_are_offered_only_to_those_who_use_the_api():
    clerk, system = person("clerk3"), person("sys1", admin_role=AdminRole.SYSTEM)
    docs = reverse("api-docs")
    assert docs not in [i.url for i in navigation(clerk)]
    assert docs in [i.url for i in navigation(system)]
    Token.objects.create(user=clerk)
    assert docs in [i.url for i in navigation(clerk)]


def test_the_current_page_is_marked_in_the_menu(client):
    html = signed_in(client, person("clerk4")).get(reverse("ledger:register")).content.decode()
    current = re.findall(r'<a class="nav-link active" href="([^"]+)"', html)
    assert current == [reverse("ledger:register")]


@override_settings(DEBUG=False)
def test_the_404_page_is_styled_and_translated(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and "tabler.min.css" in html and "返回首页" in html
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This page does not exist" in response.content.decode()


def test_the_403_and_500_pages_render_in_both_languages():
    from django.template.loader import render_to_string
    from django.utils import translation

    for name, zh, en in (
        ("403.html", "您无权打开此页面", "You may not open this page"),
        ("500.html", "服务器出错了", "Something went wrong on the server"),
    ):
        with translation.override("zh-hans"):
            assert zh in render_to_string(name)
        with translation.override("en"):
            assert en in render_to_string(name)
