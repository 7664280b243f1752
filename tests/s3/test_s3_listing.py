"""A user lists keys: v1 and v2, prefixes, delimiters, pages, odd keys, url encoding."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from botocore.exceptions import ClientError

KEYS = [
    "a.txt",
    "dir/one.txt",
    "dir/sub/two.txt",
    "dir/sub/three.txt",
    "dir2/x",
    "with space+plus%.txt",
    "ünïcødé/文件.txt",
    "z/deep/er/key",
]


@pytest.fixture(scope="module")
def listed(server: Any) -> str:
    s3 = server.client("s3")
    name = f"listing-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3.put_object(Bucket=name, Key=k, Body=k.encode()), KEYS))
    return name


def _all_pages(s3: Any, op: str, **kw: Any) -> tuple[list[str], list[str], int]:
    keys: list[str] = []
    prefixes: list[str] = []
    pages = 0
    for page in s3.get_paginator(op).paginate(**kw):
        pages += 1
        keys += [c["Key"] for c in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
    return keys, prefixes, pages


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
def test_pages_of_one_return_every_key_in_order(client: Any, listed: str, op: str) -> None:
    keys, prefixes, pages = _all_pages(
        client("s3"), op, Bucket=listed, PaginationConfig={"PageSize": 1}
    )
    assert keys == sorted(KEYS) and not prefixes
    assert pages == len(KEYS)


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
def test_delimiter_rolls_up_common_prefixes_across_pages(client: Any, listed: str, op: str) -> None:
    s3 = client("s3")
    keys, prefixes, _ = _all_pages(s3, op, Bucket=listed, Delimiter="/")
    assert keys == ["a.txt", "with space+plus%.txt"]
    assert prefixes == ["dir/", "dir2/", "z/", "ünïcødé/"]
    paged = _all_pages(s3, op, Bucket=listed, Delimiter="/", PaginationConfig={"PageSize": 1})
    assert paged[:2] == (keys, prefixes)
    keys, prefixes, _ = _all_pages(s3, op, Bucket=listed, Prefix="dir/", Delimiter="/")
    assert keys == ["dir/one.txt"] and prefixes == ["dir/sub/"]


def test_v2_fields_start_after_and_tokens(client: Any, listed: str) -> None:
    s3 = client("s3")
    page = s3.list_objects_v2(Bucket=listed, MaxKeys=2, Prefix="dir", FetchOwner=True)
    assert [c["Key"] for c in page["Contents"]] == ["dir/one.txt", "dir/sub/three.txt"]
    assert page["IsTruncated"] and page["KeyCount"] == 2 and page["MaxKeys"] == 2
    assert page["Contents"][0]["Size"] == len(b"dir/one.txt")
    assert page["Contents"][0]["StorageClass"] == "STANDARD"
    assert "ID" in page["Contents"][0]["Owner"]
    token = page["NextContinuationToken"]
    assert "dir" not in token  # opaque
    rest = s3.list_objects_v2(Bucket=listed, Prefix="dir", ContinuationToken=token)
    assert [c["Key"] for c in rest["Contents"]] == ["dir/sub/two.txt", "dir2/x"]
    assert not rest["IsTruncated"] and "NextContinuationToken" not in rest
    after = s3.list_objects_v2(Bucket=listed, StartAfter="dir2/x")
    assert [c["Key"] for c in after["Contents"]] == [
        "with space+plus%.txt",
        "z/deep/er/key",
        "ünïcødé/文件.txt",
    ]
    assert "Owner" not in after["Contents"][0]


def test_v1_marker_and_next_marker(client: Any, listed: str) -> None:
    s3 = client("s3")
    page = s3.list_objects(Bucket=listed, Marker="dir/sub/two.txt", MaxKeys=1, Delimiter="/")
    assert page["CommonPrefixes"] == [{"Prefix": "dir2/"}]
    assert page["NextMarker"] == "dir2/" and page["IsTruncated"]
    nxt = s3.list_objects(Bucket=listed, Marker=page["NextMarker"], Delimiter="/", MaxKeys=1)
    assert [c["Key"] for c in nxt["Contents"]] == ["with space+plus%.txt"]


def test_url_encoding_round_trips_odd_keys(client: Any, listed: str) -> None:
    s3 = client("s3")
    # boto3 sends encoding-type=url and decodes the answer only when it says it encoded.
    page = s3.list_objects_v2(Bucket=listed, Prefix="with space+")
    assert page["EncodingType"] == "url"
    assert [c["Key"] for c in page["Contents"]] == ["with space+plus%.txt"]
    raw = s3.list_objects_v2(Bucket=listed, Prefix="ü")
    assert [c["Key"] for c in raw["Contents"]] == ["ünïcødé/文件.txt"]
    # Version 1 answers its Prefix unencoded: botocore does not decode it there.
    for op in ("list_objects", "list_objects_v2"):
        assert getattr(s3, op)(Bucket=listed, Prefix="with space+\n")["Prefix"] == (
            "with space+\n"
        )


@pytest.mark.parametrize("op", ["list_objects", "list_objects_v2"])
def test_an_empty_delimiter_groups_nothing_and_is_not_echoed(
    client: Any, listed: str, op: str
) -> None:
    page = getattr(client("s3"), op)(Bucket=listed, Delimiter="")
    assert "Delimiter" not in page and "CommonPrefixes" not in page
    assert "NextMarker" not in page
    assert [c["Key"] for c in page["Contents"]] == sorted(KEYS)


def test_listing_errors(client: Any, listed: str) -> None:
    s3 = client("s3")
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=f"missing-{uuid.uuid4().hex[:8]}")
    assert exc.value.response["Error"]["Code"] == "NoSuchBucket"
    with pytest.raises(ClientError) as exc:
        s3.list_objects_v2(Bucket=listed, ContinuationToken="%%%not-a-token")
    assert exc.value.response["Error"]["Code"] == "InvalidArgument"
    empty = s3.list_objects_v2(Bucket=listed, Prefix="nothing-here/")
    assert empty["KeyCount"] == 0 and "Contents" not in empty and not empty["IsTruncated"]


def test_cli_ls(cli: Any, listed: str) -> None:
    out = cli("s3", "ls", f"s3://{listed}/").stdout
    assert "PRE dir/" in out and "a.txt" in out
    out = cli("s3", "ls", "--recursive", f"s3://{listed}/dir/").stdout
    assert "dir/sub/three.txt" in out and "a.txt" not in out
