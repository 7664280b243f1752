"""A bucket owner sets lifecycle rules; sagelab's background sweep expires what they name.

The sweep runs on a server of this module's own with `SAGELAB_LIFECYCLE_INTERVAL=0.2`; rules
dated in the past make objects due at once (waiting out `Days` is for the unit tests below).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sagelab.services.s3 import lifecycle, lifecycle_sweep
from sagelab.services.s3.lifecycle_sweep import LifecycleSweep, _doomed_versions
from sagelab.testing import SagelabServer

PAST = datetime(2020, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def sweeping(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SagelabServer]:
    srv = SagelabServer(
        tmp_path_factory.mktemp("lifecycle") / "data",
        extra_env={"SAGELAB_LIFECYCLE_INTERVAL": "0.2"},
    )
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def s3(client: Callable[..., Any]) -> Any:
    return client("s3")


def _bucket(s3: Any) -> str:
    name = f"lc-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def _rule(**fields: Any) -> dict[str, Any]:
    return {"ID": uuid.uuid4().hex[:8], "Status": "Enabled", "Filter": {"Prefix": ""}} | fields


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return exc.value.response["Error"]["Code"], exc.value.response["Error"]["Message"]


def test_rules_round_trip_and_vanish(s3: Any) -> None:
    bucket = _bucket(s3)
    with pytest.raises(ClientError) as exc:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert _error(exc)[0] == "NoSuchLifecycleConfiguration"
    rules = [
        _rule(ID="logs", Filter={"Prefix": "logs/"}, Expiration={"Days": 30}),
        _rule(
            ID="tmp",
            Filter={"And": {"Prefix": "tmp/", "Tags": [{"Key": "temp", "Value": "yes"}]}},
            Expiration={"Date": PAST},
            NoncurrentVersionExpiration={"NoncurrentDays": 7},
        ),
        _rule(
            ID="uploads",
            Status="Disabled",
            AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2},
        ),
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"] == rules
    s3.delete_bucket_lifecycle(Bucket=bucket)
    with pytest.raises(ClientError):
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)


@pytest.mark.parametrize(
    ("rules", "code", "message"),
    [
        ([_rule(Expiration={"Days": 0})], "InvalidArgument", "positive integer"),
        (
            [_rule(Expiration={"Date": datetime(2030, 1, 1, 12, tzinfo=UTC)})],
            "InvalidArgument",
            "midnight GMT",
        ),
        (
            [_rule(ID="a", Expiration={"Days": 1}), _rule(ID="a", Expiration={"Days": 2})],
            "InvalidArgument",
            "unique",
        ),
        ([_rule()], "InvalidRequest", "At least one action"),
        (
            [_rule(Transitions=[{"Days": 30, "StorageClass": "GLACIER"}])],
            "NotImplemented",
            "Transitions",
        ),
    ],
)
def test_bad_rules_are_refused(
    s3: Any, rules: list[dict[str, Any]], code: str, message: str
) -> None:
    with pytest.raises(ClientError) as exc:
        s3.put_bucket_lifecycle_configuration(
            Bucket=_bucket(s3), LifecycleConfiguration={"Rules": rules}
        )
    got_code, got_message = _error(exc)
    assert got_code == code and message in got_message


def _keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _wait_for(s3: Any, bucket: str, expected: list[str]) -> None:
    deadline = time.monotonic() + 15
    while _keys(s3, bucket) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _keys(s3, bucket) == expected


def test_sweep_expires_what_the_rules_name(sweeping: SagelabServer) -> None:
    s3 = sweeping.client("s3")
    bucket = _bucket(s3)
    for key in ("logs/a.txt", "logs/b.txt", "keep/c.txt", "tmp/d.txt", "tmp/e.txt"):
        s3.put_object(
            Bucket=bucket, Key=key, Body=b"x", Tagging="temp=yes" if key == "tmp/d.txt" else ""
        )
    rules = [
        _rule(Filter={"Prefix": "logs/"}, Expiration={"Date": PAST}),
        _rule(
            Filter={"And": {"Prefix": "tmp/", "Tags": [{"Key": "temp", "Value": "yes"}]}},
            Expiration={"Date": PAST},
        ),
        _rule(Filter={"Prefix": "keep/"}, Expiration={"Date": PAST}, Status="Disabled"),
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    _wait_for(s3, bucket, ["keep/c.txt", "tmp/e.txt"])
    s3.put_object(Bucket=bucket, Key="logs/later.txt", Body=b"y")  # the sweep goes on
    _wait_for(s3, bucket, ["keep/c.txt", "tmp/e.txt"])


def test_days_fall_on_the_following_midnight() -> None:
    written = datetime(2024, 3, 1, 15, 30, tzinfo=UTC).timestamp()
    due = lifecycle.current_expiry({"Expiration": {"Days": 2}}, written)
    assert due == datetime(2024, 3, 4, tzinfo=UTC).timestamp()
    assert (
        lifecycle.current_expiry({"NoncurrentVersionExpiration": {"NoncurrentDays": 1}}, written)
        is None
    )


def test_selectors_read_every_filter_form() -> None:
    assert lifecycle.selector({"Prefix": "a/"}).matches("a/x", {}, 1)
    sized = lifecycle.selector(
        {"Filter": {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 20}}}
    )
    assert sized.matches("k", {}, 15) and not sized.matches("k", {}, 20)
    tagged = lifecycle.selector({"Filter": {"Tag": {"Key": "t", "Value": "1"}}})
    assert tagged.matches("k", {"t": "1"}, 0) and not tagged.matches("k", {"t": "2"}, 0)


def _version(key: str, written: float, marker: bool = False) -> SimpleNamespace:
    return SimpleNamespace(key=key, last_modified=written, delete_marker=marker, tags={}, size=1)


def test_noncurrent_versions_expire_counted_from_when_they_were_replaced() -> None:
    day = lifecycle.DAY
    newest, older, oldest = _version("k", 10 * day), _version("k", 5 * day), _version("k", 1 * day)
    rule = _rule(NoncurrentVersionExpiration={"NoncurrentDays": 3})
    # `older` became noncurrent on day 10 (due day 13); `oldest` on day 5 (due day 8).
    assert _doomed_versions([newest, older, oldest], [rule], 9 * day) == [oldest]
    assert _doomed_versions([newest, older, oldest], [rule], 13 * day) == [older, oldest]
    keep_one = _rule(
        NoncurrentVersionExpiration={"NoncurrentDays": 3, "NewerNoncurrentVersions": 1}
    )
    assert _doomed_versions([newest, older, oldest], [keep_one], 13 * day) == [oldest]


def test_lone_delete_markers_expire_only_when_asked() -> None:
    marker = _version("k", 0, marker=True)
    asked = _rule(Expiration={"ExpiredObjectDeleteMarker": True})
    assert _doomed_versions([marker], [asked], 1.0) == [marker]
    assert _doomed_versions([marker, _version("k", 0)], [asked], 1.0) == []


def test_the_sweep_runs_at_most_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[float] = []
    monkeypatch.setattr(lifecycle_sweep, "sweep", lambda meta, blobs, at: calls.append(at))
    now = [100.0]
    step = LifecycleSweep(None, None, interval=60, clock=lambda: now[0])  # type: ignore[arg-type]
    for now[0] in (100.0, 130.0, 161.0):
        step()
    assert calls == [100.0, 161.0]
