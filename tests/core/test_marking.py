"""密级标志 parsing, formatting, validation and period arithmetic (baomi.core.marking)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import pickle
from collections.abc import Iterator

import django
import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from baomi.core.levels import MARKED_LEVELS, Level
from baomi.core.marking import (
    EVENT_MAX_LENGTH,
    STATUTORY_MAX_YEARS,
    STATUTORY_UNMARKED_YEARS,
    Marking,
    MarkingError,
    Period,
    PeriodKind,
)


def _project_settings_available() -> bool:
    module = os.environ.get("DJANGO_SETTINGS_MODULE")
    if not module:
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


# gettext needs configured settings. Under pytest-django the project's settings are already
# configured and this does nothing; with `-p no:django` minimal settings are enough.
if not settings.configured:
    if not _project_settings_available():
        settings.configure(USE_I18N=True, LANGUAGE_CODE="en")
    django.setup()


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The project's LANGUAGE_CODE is zh-hans; message assertions below read the English msgids.
    with translation.override("en"):
        yield


def parse_error(text: str, **kwargs: object) -> MarkingError:
    with pytest.raises(MarkingError) as info:
        Marking.parse(text, **kwargs)  # type: ignore[arg-type]
    return info.value


# -- round trip of the SPEC's forms ------------------------------------------------------------

SPEC_FORMS = [
    "机密★5年",
    "秘密★6个月",
    "机密★2027年6月30日",
    "机密★会议开始前",
    "绝密★长期",
    "机密",
    "秘密★1年",
    "绝密★30年",
]


@pytest.mark.parametrize("text", SPEC_FORMS)
def test_spec_forms_round_trip(text: str) -> None:
    marking = Marking.parse(text)
    assert marking.format() == text
    assert str(marking) == text
    assert Marking.parse(marking.format()) == marking


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("机密★5年", Marking(Level.SECRET, Period.of_years(5))),
        ("秘密★6个月", Marking(Level.CONFIDENTIAL, Period.of_months(6))),
        ("机密★2027年6月30日", Marking(Level.SECRET, Period.until_date(dt.date(2027, 6, 30)))),
        ("机密★会议开始前", Marking(Level.SECRET, Period.until_event("会议开始前"))),
        ("绝密★长期", Marking(Level.TOP_SECRET, Period.long_term())),
        ("机密", Marking(Level.SECRET, None)),
    ],
)
def test_parse_structure(text: str, expected: Marking) -> None:
    assert Marking.parse(text) == expected


def test_period_fields_and_kinds() -> None:
    assert Period.of_years(5) == Period(PeriodKind.YEARS, years=5)
    assert Period.of_months(6).months == 6
    assert Period.until_date(dt.date(2027, 6, 30)).until == dt.date(2027, 6, 30)
    assert Period.until_event("项目验收后").event == "项目验收后"
    assert Period.long_term().kind is PeriodKind.LONG_TERM
    assert [str(p) for p in (Period.of_years(5), Period.of_months(6))] == ["5年", "6个月"]
    # no zero padding in the canonical date
    assert Period.until_date(dt.date(2027, 1, 5)).format() == "2027年1月5日"


# -- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "params", "in_message"),
    [
        ("机密★", "missing_period", {"level": "机密"}, ["机密", "no period"]),
        ("秘密★0年", "zero_period", {"period": "0年"}, ["0年", "at least 1 month"]),
        ("秘密★0个月", "zero_period", {"period": "0个月"}, ["0个月", "at least 1 month"]),
        (
            "绝密★31年",
            "beyond_max",
            {"level": "绝密", "years": 31, "max_years": 30},
            ["绝密", "30 years", "31 years"],
        ),
        (
            "机密★21年",
            "beyond_max",
            {"level": "机密", "years": 21, "max_years": 20},
            ["机密", "20 years", "21 years"],
        ),
        (
            "秘密★11年",
            "beyond_max",
            {"level": "秘密", "years": 11, "max_years": 10},
            ["秘密", "10 years", "11 years"],
        ),
        ("机密★13个月", "months_not_below_year", {"months": 13}, ["12 months", "13 months"]),
        ("机密★12个月", "months_not_below_year", {"months": 12}, ["12 months", "in years"]),
        (
            "机密★2027年2月30日",
            "invalid_date",
            {"date": "2027年2月30日", "days": 28},
            ["2027年2月30日", "28 days"],
        ),
        ("机密★2028年2月30日", "invalid_date", {"days": 29}, ["29 days"]),
        ("机密★2027-13-01", "invalid_date", {"month": 13}, ["between 1 and 12"]),
        ("机密★2027年4月0日", "invalid_date", {"days": 30}, ["30 days"]),
        ("机密★0999年1月1日", "invalid_date", {"min_year": 1000}, ["between 1000 and 9999"]),
        ("内部★1年", "not_marked_level", {"level": "内部"}, ["内部", "秘密/机密/绝密"]),
        ("公开", "not_marked_level", {"level": "公开"}, ["公开", "never carries"]),
        ("内部", "not_marked_level", {"level": "内部"}, ["内部"]),
        ("", "empty", {}, ["empty", "秘密/机密/绝密"]),
        (" \u3000 ", "empty", {}, ["empty"]),
        ("★5年", "unknown_level", {"level": ""}, ["no level", "秘密/机密/绝密"]),
        ("工作秘密★5年", "unknown_level", {"level": "工作秘密"}, ["工作秘密", "秘密/机密/绝密"]),
        ("机密文件", "malformed", {}, ["机密文件", "机密★5年"]),
        ("机密5年", "malformed", {}, ["机密5年", "followed by ★"]),
        ("机密★★5年", "malformed", {"count": 2}, ["2 stars"]),
        ("机密★1.5年", "malformed", {"period": "1.5年"}, ["1.5年", "not a valid period"]),
        ("机密★2027年6月", "malformed", {}, ["2027年6月"]),
        ("机密★五年", "malformed", {}, ["五年"]),
        ("机密★30天", "malformed", {}, ["30天"]),
    ],
)
def test_invalid_markings_are_refused(
    text: str, code: str, params: dict[str, object], in_message: list[str]
) -> None:
    error = parse_error(text)
    assert error.code == code
    assert params.items() <= error.params.items()
    for fragment in in_message:
        assert fragment in error.message
    assert str(error) == error.message
    assert isinstance(error, ValueError)


def test_event_length_limit() -> None:
    event = "会" * EVENT_MAX_LENGTH
    assert Marking.parse(f"机密★{event}").format() == f"机密★{event}"
    error = parse_error(f"机密★{event}会")
    assert error.code == "event_too_long"
    assert error.params["length"] == 41
    assert "40" in error.message and "41" in error.message


def test_lowered_policy_maximum_refuses() -> None:
    policy = {Level.TOP_SECRET: 30, Level.SECRET: 10, Level.CONFIDENTIAL: 10}
    error = parse_error("机密★15年", max_years=policy)
    assert error.code == "beyond_max"
    assert error.params == {"level": "机密", "max_years": 10, "years": 15}
    assert "10 years" in error.message
    assert Marking.parse("机密★10年", max_years=policy).format() == "机密★10年"
    # the statutory default still admits it
    assert Marking.parse("机密★15年").format() == "机密★15年"


def test_policy_without_a_level_falls_back_to_statute() -> None:
    error = parse_error("绝密★31年", max_years={Level.SECRET: 10})
    assert error.params["max_years"] == 30


def test_months_beyond_a_sub_year_policy() -> None:
    with pytest.raises(MarkingError) as info:
        Marking(Level.CONFIDENTIAL, Period.of_months(6)).validate(max_years={Level.CONFIDENTIAL: 0})
    assert info.value.code == "beyond_max"
    assert "6 months" in info.value.message


# -- lenient typing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("机密＊５年", "机密★5年"),
        ("机密 ★ 5 年", "机密★5年"),
        ("机密★2027-06-30", "机密★2027年6月30日"),
        ("机密★2027年06月30日", "机密★2027年6月30日"),
        ("机密★2027.6.30", "机密★2027年6月30日"),
        ("机密★２０２７－０６－３０", "机密★2027年6月30日"),
        ("机密☆5年", "机密★5年"),
        ("机密*5年", "机密★5年"),
        ("秘密★6月", "秘密★6个月"),
        ("秘密★06个月", "秘密★6个月"),
        ("  绝密\u3000★\t长期\n", "绝密★长期"),
        ("机密★会议 开始前", "机密★会议开始前"),
        ("机密\u200b★5年", "机密★5年"),
        (" 机密 ", "机密"),
    ],
)
def test_lenient_input_normalizes(typed: str, canonical: str) -> None:
    assert Marking.parse(typed).format() == canonical


def test_chinese_punctuation_in_conditions_is_kept() -> None:
    # NFKC would fold （） to (); a condition keeps the punctuation the clerk wrote.
    text = "机密★项目验收后（内部）"
    assert Marking.parse(text).format() == text
    assert Marking.parse("机密★ＡＢＣ项目验收后").format() == "机密★ABC项目验收后"


def test_condition_containing_digits_is_an_event() -> None:
    marking = Marking.parse("机密★2027年年会召开前")
    assert marking.period is not None and marking.period.kind is PeriodKind.UNTIL_EVENT


# -- issue-date checks --------------------------------------------------------------------


def test_until_date_must_follow_issue() -> None:
    for issued in (dt.date(2027, 6, 30), dt.date(2027, 7, 1)):
        error = parse_error("机密★2027年6月30日", issued=issued)
        assert error.code == "date_not_after_issue"
        assert "2027-06-30" in error.message and issued.isoformat() in error.message
    assert Marking.parse("机密★2027年6月30日", issued=dt.date(2027, 6, 29))


def test_until_date_within_maximum_from_issue() -> None:
    # 机密: at most 20 years after the issue date, the last day included.
    assert Marking.parse("机密★2027年6月30日", issued=dt.date(2007, 6, 30))
    error = parse_error("机密★2027年6月30日", issued=dt.date(2007, 6, 29))
    assert error.code == "date_beyond_max"
    assert error.params["latest"] == "2027-06-29"
    assert "20 years" in error.message and "2027-06-29" in error.message
    error = parse_error("秘密★2030年1月1日", issued=dt.date(2019, 12, 31))
    assert error.code == "date_beyond_max" and error.params["max_years"] == 10


def test_until_date_respects_policy_maximum() -> None:
    error = parse_error(
        "机密★2030年1月1日", issued=dt.date(2025, 1, 1), max_years={Level.SECRET: 3}
    )
    assert error.code == "date_beyond_max"
    assert error.params["latest"] == "2028-01-01"


def test_without_issue_date_no_date_range_check() -> None:
    assert Marking.parse("秘密★2099年1月1日").format() == "秘密★2099年1月1日"


def test_issue_date_irrelevant_to_other_forms() -> None:
    for text in ("机密★5年", "机密★会议开始前", "绝密★长期", "机密"):
        assert Marking.parse(text, issued=dt.date(2025, 1, 1)).format() == text


# -- end dates and effective period -------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period.of_years(5), dt.date(2025, 3, 1), dt.date(2030, 3, 1)),
        (Period.of_years(1), dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        (Period.of_years(4), dt.date(2024, 2, 29), dt.date(2028, 2, 29)),
        (Period.of_months(1), dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
        (Period.of_months(1), dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (Period.of_months(6), dt.date(2025, 8, 31), dt.date(2026, 2, 28)),
        (Period.of_months(11), dt.date(2024, 3, 31), dt.date(2025, 2, 28)),
        (Period.of_months(3), dt.date(2025, 11, 30), dt.date(2026, 2, 28)),
        (Period.until_date(dt.date(2027, 6, 30)), dt.date(2025, 1, 1), dt.date(2027, 6, 30)),
        (Period.until_event("会议开始前"), dt.date(2025, 1, 1), None),
        (Period.long_term(), dt.date(2025, 1, 1), None),
    ],
)
def test_end_date(period: Period, start: dt.date, end: dt.date | None) -> None:
    assert period.end_date(start) == end


def test_end_date_overflow() -> None:
    with pytest.raises(OverflowError):
        Period.of_years(30).end_date(dt.date(9990, 1, 1))


@pytest.mark.parametrize(
    ("text", "years"),
    [("机密", 20), ("绝密", 30), ("秘密", 10)],
)
def test_effective_period_unmarked(text: str, years: int) -> None:
    assert Marking.parse(text).effective_period() == Period.of_years(years)


def test_effective_period_marked_and_policy() -> None:
    assert Marking.parse("秘密★6个月").effective_period() == Period.of_months(6)
    policy = {Level.TOP_SECRET: 25, Level.SECRET: 15, Level.CONFIDENTIAL: 5}
    assert Marking.parse("机密").effective_period(policy) == Period.of_years(15)
    assert STATUTORY_UNMARKED_YEARS == STATUTORY_MAX_YEARS


# -- construction invariants --------------------------------------------------------------


def test_marking_construction_refuses_unmarked_levels() -> None:
    for level in (Level.PUBLIC, Level.INTERNAL):
        with pytest.raises(MarkingError) as info:
            Marking(level, Period.of_years(1))
        assert info.value.code == "not_marked_level"


def test_marking_accepts_int_level_from_database() -> None:
    marking = Marking(3, Period.of_years(5))  # type: ignore[arg-type]
    assert marking.level is Level.SECRET
    assert marking == Marking(Level.SECRET, Period.of_years(5))


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: Period.of_years(0), "zero_period"),
        (lambda: Period.of_years(-1), "zero_period"),
        (lambda: Period.of_months(12), "months_not_below_year"),
        (lambda: Period.until_event(""), "missing_period"),
        (lambda: Period.until_event("长期"), "malformed"),
        (lambda: Period.until_event("5年"), "malformed"),
        (lambda: Period.until_event("会议★开始前"), "malformed"),
        (lambda: Period.until_event("会议\x00开始前"), "malformed"),
        (lambda: Period(PeriodKind.UNTIL_EVENT, event="会议 开始前"), "malformed"),
        (lambda: Period.until_date(dt.date(999, 1, 1)), "invalid_date"),
    ],
)
def test_period_construction_invariants(build: object, code: str) -> None:
    with pytest.raises(MarkingError) as info:
        build()  # type: ignore[operator]
    assert info.value.code == code


def test_period_shape_is_checked() -> None:
    with pytest.raises(TypeError):
        Period(PeriodKind.YEARS)
    with pytest.raises(TypeError):
        Period(PeriodKind.YEARS, years=5, months=6)
    with pytest.raises(TypeError):
        Period.of_years(True)
    with pytest.raises(TypeError):
        Period.until_date(dt.datetime(2027, 6, 30))


def test_values_are_immutable_and_hashable() -> None:
    marking = Marking.parse("机密★5年")
    with pytest.raises(AttributeError):
        marking.level = Level.TOP_SECRET  # type: ignore[misc]
    assert len({marking, Marking.parse("机密 ★ 5年")}) == 1
    with pytest.raises(TypeError):
        STATUTORY_MAX_YEARS[Level.SECRET] = 5  # type: ignore[index]


def test_error_is_picklable_and_renders_in_active_language() -> None:
    error = parse_error("绝密★31年")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.params, copy.message) == (error.code, error.params, error.message)
    assert error.message == (
        "The period of a 绝密 marking may not exceed 30 years; 31 years were given."
    )


# -- properties ---------------------------------------------------------------------------

EVENTS = ["会议开始前", "项目验收后", "会议结束后", "谈判结束", "产品上市后", "公开发布前"]


@st.composite
def periods(draw: st.DrawFn, level: Level) -> Period | None:
    kind = draw(st.sampled_from([None, *PeriodKind]))
    if kind is None:
        return None
    if kind is PeriodKind.YEARS:
        return Period.of_years(draw(st.integers(1, STATUTORY_MAX_YEARS[level])))
    if kind is PeriodKind.MONTHS:
        return Period.of_months(draw(st.integers(1, 11)))
    if kind is PeriodKind.UNTIL_DATE:
        return Period.until_date(draw(st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))))
    if kind is PeriodKind.UNTIL_EVENT:
        return Period.until_event(draw(st.sampled_from(EVENTS)))
    return Period.long_term()


@st.composite
def markings(draw: st.DrawFn) -> Marking:
    level = draw(st.sampled_from(MARKED_LEVELS))
    return Marking(level, draw(periods(level)))


@given(markings())
def test_property_format_parse_round_trip(marking: Marking) -> None:
    text = marking.format()
    parsed = Marking.parse(text)
    assert parsed == marking
    assert parsed.format() == text


_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@given(markings(), st.data())
def test_property_lenient_typing_parses_to_same(marking: Marking, data: st.DataObject) -> None:
    text = marking.format()
    star = data.draw(st.sampled_from(["★", "☆", "*", "＊", " ★ "]))
    text = text.replace("★", star)
    noisy = "".join(
        _FULL_WIDTH.get(char, char) if data.draw(st.booleans()) else char for char in text
    )
    noisy = " ".join(noisy) if data.draw(st.booleans()) else f" {noisy}\u3000"
    assert Marking.parse(noisy) == marking


_ALPHABET = st.sampled_from(
    list("机密绝秘公开内部★☆*＊ 0123456789０５年个月日长期会议前后.-/（），\u3000")
)


@given(st.text(_ALPHABET, max_size=20))
def test_property_parse_refuses_or_canonicalizes(text: str) -> None:
    try:
        marking = Marking.parse(text)
    except MarkingError as error:
        assert error.code
        assert error.message
        return
    canonical = marking.format()
    assert Marking.parse(canonical) == marking
    assert Marking.parse(canonical).format() == canonical


@given(
    st.sampled_from([*range(1, 31)]),
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
)
def test_property_years_end_date_clamps(years: int, start: dt.date) -> None:
    end = Period.of_years(years).end_date(start)
    assert end is not None
    assert (end.year, end.month) == (start.year + years, start.month)
    assert end.day == start.day or (start.month, start.day, end.day) == (2, 29, 28)
