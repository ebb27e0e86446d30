"""Times are shown in the organization's zone, to the minute, in each language's date style."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from baomi.core import timefmt

# 16:28 UTC is already the next day in Beijing
LATE = dt.datetime(2026, 12, 2, 16, 28, 41, 123456, tzinfo=dt.UTC)


def test_a_utc_instant_is_shown_in_local_time_without_seconds():
    with translation.override("zh-hans"):
        assert timefmt.when(LATE) == "2026年12月3日 00:28"
        assert timefmt.day(LATE) == "2026年12月3日"
    with translation.override("en"):
        assert timefmt.when(LATE) == "2026-12-03 00:28"


def test_iso_text_from_an_audit_detail_reads_the_same_as_the_instant():
    with translation.override("zh-hans"):
        assert timefmt.when("2026-12-02T16:28:41.123456Z") == "2026年12月3日 00:28"
        assert timefmt.when("2026-12-02") == "2026年12月2日"


def test_other_values_pass_through():
    assert timefmt.when("copy 3") == "copy 3"
    assert timefmt.when(None) == ""
    assert timefmt.when("2026-13-40") == "2026-13-40"


def test_the_template_filters():
    with translation.override("zh-hans"):
        out = Template("{% load baomi %}{{ t|when }} / {{ t|day }}").render(Context({"t": LATE}))
    assert out == (
        '<time class="when" datetime="2026-12-03T00:28+08:00">2026年12月3日 00:28</time> / '
        '<time class="when" datetime="2026-12-03">2026年12月3日</time>'
    )
    # what is no time passes through, escaped as any value is
    plain = Template("{% load baomi %}{{ t|when }}|{{ n|when|default:'—' }}")
    assert plain.render(Context({"t": "<b>", "n": None})) == "&lt;b&gt;|—"
