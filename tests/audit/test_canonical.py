"""The canonical JSON of events and checkpoints: one text per value, the standard library's
text wherever it has one, so checkpoints signed before keep verifying."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import json
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from baomi.audit.chain import canonical_bytes, canonical_json
from baomi.core.models import OrgUnit

_STANDARD = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.text()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: "e" not in repr(f))
)  # floats whose standard text has an exponent are written shorter: see the next test
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(values)
def test_canonical_json_is_the_standard_compact_sorted_text(value):
    try:
        expected = _STANDARD.encode(value)
    except UnicodeEncodeError:  # pragma: no cover - text() draws no lone surrogates by default
        return
    assert canonical_json(value) == expected
    assert canonical_bytes(value) == expected.encode()


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back_as_itself(number):
    assert json.loads(canonical_bytes({"x": number})) == {"x": number}


def test_numbers_that_are_not_json_are_never_written_as_such():
    assert canonical_json({"x": float("nan"), "y": float("inf")}) == '{"x":null,"y":null}'
    with pytest.raises(ValueError):  # beside an integer only the standard encoder writes
        canonical_json({"big": 2**64, "x": float("nan")})


class _Thing:
    pass


@dataclasses.dataclass
class _Record:
    x: int


@pytest.mark.django_db
def test_rich_values_are_written_in_one_fixed_form():
    unit = OrgUnit.objects.create(name="机要室", path="/1/")
    at = dt.datetime(2026, 11, 22, 18, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    value = {
        "at": at,
        "day": dt.date(2026, 11, 22),
        "amount": decimal.Decimal("1.50"),
        "id": uuid.UUID(int=1),
        "unit": unit,
        "tags": {"乙", "甲"},
        "名称": "机密★5年",
    }
    assert json.loads(canonical_json(value)) == {
        "at": "2026-11-22T10:30:05.000000Z",
        "day": "2026-11-22",
        "amount": "1.50",
        "id": "00000000-0000-0000-0000-000000000001",
        "unit": str(unit.pk),
        "tags": ["乙", "甲"],  # code point order
        "名称": "机密★5年",
    }
    assert "机密★5年" in canonical_json(value)  # kept as UTF-8, not \\u escapes


@pytest.mark.parametrize("value", [_Thing(), _Record(1), b"bytes"])
def test_values_that_cannot_be_recorded_are_refused_by_name(value):
    with pytest.raises(TypeError, match="cannot be recorded in an audit event"):
        canonical_json({"x": value})


def test_keys_that_are_not_text_are_written_as_the_standard_encoder_writes_them():
    assert canonical_json({2: "b", 1: "a"}) == '{"1":"a","2":"b"}'
