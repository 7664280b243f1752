"""Scalar conversions shared by every codec (sagelab.gateway.codec.shapes)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from botocore.model import Shape
from hypothesis import given
from hypothesis import strategies as st

from sagelab.gateway.codec import shapes
from sagelab.gateway.errors import ValidationError

UTC = dt.UTC
WHEN = dt.datetime(2024, 2, 29, 23, 59, 58, 250000, tzinfo=UTC)


def shape(kind: str, **traits: str) -> Shape:
    return Shape("S", {"type": kind, **traits})


@pytest.mark.parametrize(
    ("fmt", "wire"),
    [
        ("iso8601", "2024-02-29T23:59:58.250Z"),
        ("unixTimestamp", 1709251198.25),
        ("unixtimestamp", 1709251198.25),
        ("rfc822", "Thu, 29 Feb 2024 23:59:58 GMT"),
    ],
)
def test_timestamps_are_formatted_per_format(fmt: str, wire: object) -> None:
    assert shapes.format_timestamp(WHEN, fmt) == wire


def test_whole_second_timestamps_have_no_fraction() -> None:
    whole = WHEN.replace(microsecond=0)
    assert shapes.format_timestamp(whole, "iso8601") == "2024-02-29T23:59:58Z"
    assert shapes.format_timestamp(whole, "unixTimestamp") == 1709251198
    assert shapes.format_timestamp(1709251198.0, "iso8601") == "2024-02-29T23:59:58Z"


def test_naive_datetimes_are_utc() -> None:
    naive = WHEN.replace(tzinfo=None)
    assert shapes.format_timestamp(naive) == shapes.format_timestamp(WHEN)


@pytest.mark.parametrize(
    "wire",
    [
        "2024-02-29T23:59:58.250Z",
        "2024-02-29T23:59:58.250000+00:00",
        "2024-03-01T00:59:58.25+01:00",
        1709251198.25,
        "1709251198.25",
    ],
)
def test_timestamps_parse_from_any_wire_form(wire: object) -> None:
    assert shapes.parse_timestamp(wire) == WHEN


def test_rfc822_parses() -> None:
    assert shapes.parse_timestamp("Thu, 29 Feb 2024 23:59:58 GMT", "rfc822") == WHEN.replace(
        microsecond=0
    )


@pytest.mark.parametrize(
    "wire", ["yesterday", "", "2024-13-01T00:00:00Z", True, None, [1], math.inf]
)
def test_unparseable_timestamps_are_validation_errors(wire: object) -> None:
    with pytest.raises(ValidationError):
        shapes.parse_timestamp(wire, "iso8601", "When")


# Far from 1970, epoch seconds as a float cannot hold microseconds.
@given(
    st.datetimes(dt.datetime(1800, 1, 1), dt.datetime(2200, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["iso8601", "unixTimestamp"]),
)
def test_timestamps_round_trip_to_the_microsecond(when: dt.datetime, fmt: str) -> None:
    back = shapes.parse_timestamp(shapes.format_timestamp(when, fmt), fmt)
    if fmt == "iso8601":
        assert back == when
    else:  # a double holds ~16 digits: at 4e9 seconds from 1970 that is a microsecond or two
        assert abs(back - when) <= dt.timedelta(microseconds=2)


@given(st.floats(allow_nan=False))
def test_floats_round_trip_through_text(number: float) -> None:
    double = shape("double")
    assert (
        shapes.parse_text_scalar(double, shapes.format_text_scalar(double, number), "x") == number
    )


def test_non_finite_floats_use_aws_spelling() -> None:
    double = shape("double")
    assert shapes.format_text_scalar(double, math.inf) == "Infinity"
    assert shapes.format_json_scalar(double, -math.inf) == "-Infinity"
    assert math.isnan(shapes.parse_json_scalar(double, "NaN", "x"))


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("boolean", "true", True),
        ("boolean", "False", False),
        ("integer", "-7", -7),
        ("long", "9007199254740993", 9007199254740993),
        ("blob", "AP8=", b"\x00\xff"),
        ("string", " a ", " a "),
    ],
)
def test_text_scalars_parse(kind: str, text: str, value: object) -> None:
    assert shapes.parse_text_scalar(shape(kind), text, "x") == value


@pytest.mark.parametrize(
    ("kind", "text"),
    [("boolean", "yes"), ("integer", "1.5"), ("integer", ""), ("double", "x"), ("blob", "!!")],
)
def test_bad_text_scalars_are_validation_errors(kind: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        shapes.parse_text_scalar(shape(kind), text, "Top.member.1")
    assert "Top.member.1" in caught.value.message


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("integer", "1"),
        ("integer", True),
        ("integer", 1.5),
        ("boolean", 1),
        ("string", 5),
        ("double", "1.0"),
        ("double", False),
        ("blob", 12),
        ("long", None),
    ],
)
def test_json_values_of_the_wrong_type_are_validation_errors(kind: str, value: object) -> None:
    with pytest.raises(ValidationError):
        shapes.parse_json_scalar(shape(kind), value, "x")


def test_json_numbers_fit_float_shapes() -> None:
    assert shapes.parse_json_scalar(shape("double"), 3, "x") == 3.0
    assert isinstance(shapes.parse_json_scalar(shape("float"), 3, "x"), float)
