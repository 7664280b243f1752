"""Pure S3 rules: bucket names, byte ranges, conditional requests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sagelab.services.s3 import bucket_names, ranges
from sagelab.services.s3.errors import InvalidRange, NotModified, PreconditionFailed
from sagelab.services.s3.preconditions import Conditions, check


@pytest.mark.parametrize("name", ["abc", "my-bucket.v2", "a" * 63, "1bucket9"])
def test_valid_bucket_names(name: str) -> None:
    assert bucket_names.is_valid(name)


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "under_score",
        "-lead",
        "trail-",
        "two..dots",
        "dot.-dash",
        "192.168.5.4",
        "xn--punycode",
        "sthree-x",
        "name-s3alias",
        "name--ol-s3",
        "",
    ],
)
def test_invalid_bucket_names(name: str) -> None:
    assert not bucket_names.is_valid(name)


@pytest.mark.parametrize(
    ("header", "size", "span"),
    [
        ("bytes=0-9", 100, (0, 9)),
        ("bytes=90-200", 100, (90, 99)),
        ("bytes=10-", 100, (10, 99)),
        ("bytes=-10", 100, (90, 99)),
        ("bytes=-500", 100, (0, 99)),
        (None, 100, None),
        ("bytes=5-2", 100, None),
        ("bytes=0-1,4-5", 100, None),
        ("items=0-1", 100, None),
        ("bytes=-", 100, None),
    ],
)
def test_ranges(header: str | None, size: int, span: tuple[int, int] | None) -> None:
    assert ranges.resolve(header, size) == span


@pytest.mark.parametrize(
    ("header", "size"), [("bytes=100-", 100), ("bytes=-0", 100), ("bytes=0-", 0)]
)
def test_unsatisfiable_ranges(header: str, size: int) -> None:
    with pytest.raises(InvalidRange) as err:
        ranges.resolve(header, size)
    assert err.value.status == 416
    assert err.value.fields["ActualObjectSize"] == str(size)


def test_content_range() -> None:
    assert ranges.content_range(0, 9, 100) == "bytes 0-9/100"


_ETAG = '"abc"'
_MODIFIED = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp() + 0.7


def _at(second: int) -> datetime:
    return datetime(2024, 1, 2, 3, 4, second, tzinfo=UTC)


@pytest.mark.parametrize(
    "cond",
    [
        Conditions(if_match='"abc"'),
        Conditions(if_match="abc, other"),
        Conditions(if_match="*"),
        Conditions(if_none_match='"zzz"'),
        Conditions(if_modified_since=_at(4)),
        Conditions(if_unmodified_since=_at(5)),
        # An entity tag that holds overrules a date that does not.
        Conditions(if_match='"abc"', if_unmodified_since=_at(1)),
        Conditions(if_none_match='"zzz"', if_modified_since=_at(9)),
    ],
)
def test_conditions_that_hold(cond: Conditions) -> None:
    check(cond, _ETAG, _MODIFIED)


@pytest.mark.parametrize(
    ("cond", "error"),
    [
        (Conditions(if_match='"zzz"'), PreconditionFailed),
        (Conditions(if_unmodified_since=_at(4)), PreconditionFailed),
        (Conditions(if_none_match='"abc"'), NotModified),
        (Conditions(if_none_match="*"), NotModified),
        (Conditions(if_modified_since=_at(5)), NotModified),
    ],
)
def test_conditions_that_fail(cond: Conditions, error: type[Exception]) -> None:
    with pytest.raises(error):
        check(cond, _ETAG, _MODIFIED)
