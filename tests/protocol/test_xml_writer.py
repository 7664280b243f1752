"""The XML writer against botocore's rest-xml parser, on a model using every XML trait."""

from __future__ import annotations

import datetime as dt
from typing import Any

import botocore.model
from hypothesis import given, settings
from strategies import FEW_EXAMPLES, botocore_parse, output_for

from sagelab.gateway.codec.xml import to_xml
from sagelab.gateway.http import HttpResponse

XSI = {"prefix": "xsi", "uri": "http://www.w3.org/2001/XMLSchema-instance"}
SHAPES: dict[str, Any] = {
    "Out": {
        "type": "structure",
        "members": {
            "Flat": {"shape": "FlatList"},
            "FlatNamed": {"shape": "FlatNamedList"},
            "Wrapped": {"shape": "NamedList", "locationName": "WrappedList"},
            "Plain": {"shape": "PlainList"},
            "Map": {"shape": "NamedMap"},
            "FlatMap": {"shape": "FlatMap"},
            "Grantee": {"shape": "Grantee"},
            "Nested": {"shape": "Out"},
            "When": {"shape": "Ts"},
            "WhenUnix": {"shape": "TsUnix"},
            "Data": {"shape": "Blob"},
            "Ratio": {"shape": "Double"},
            "Flag": {"shape": "Bool"},
            "Count": {"shape": "Int"},
            "Renamed": {"shape": "Str", "locationName": "OtherName"},
        },
    },
    "FlatList": {"type": "list", "member": {"shape": "Str"}, "flattened": True},
    "FlatNamedList": {
        "type": "list",
        "member": {"shape": "Str", "locationName": "Item"},
        "flattened": True,
    },
    "NamedList": {"type": "list", "member": {"shape": "Grantee", "locationName": "Thing"}},
    "PlainList": {"type": "list", "member": {"shape": "Int"}},
    "NamedMap": {
        "type": "map",
        "key": {"shape": "Str", "locationName": "Name"},
        "value": {"shape": "Str", "locationName": "Val"},
    },
    "FlatMap": {
        "type": "map",
        "key": {"shape": "Str"},
        "value": {"shape": "Int"},
        "flattened": True,
    },
    "Grantee": {
        "type": "structure",
        "members": {
            "Type": {"shape": "Str", "locationName": "xsi:type", "xmlAttribute": True},
            "ID": {"shape": "Str"},
        },
        "xmlNamespace": XSI,
    },
    "Str": {"type": "string"},
    "Int": {"type": "integer"},
    "Bool": {"type": "boolean"},
    "Double": {"type": "double"},
    "Blob": {"type": "blob"},
    "Ts": {"type": "timestamp"},
    "TsUnix": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
}
MODEL = botocore.model.ServiceModel(
    {
        "metadata": {"protocol": "rest-xml", "apiVersion": "2020-01-01", "serviceId": "X"},
        "operations": {
            "Op": {
                "name": "Op",
                "http": {"method": "GET", "requestUri": "/"},
                "output": {"shape": "Out"},
            }
        },
        "shapes": SHAPES,
    },
    service_name="x",
)
OP = MODEL.operation_model("Op")
FLATTENED = ("Flat", "FlatNamed", "FlatMap")


def read_back(value: dict[str, Any]) -> dict[str, Any]:
    body = to_xml(OP.output_shape, value, "Out", namespace="http://example.com/doc/")
    parsed = botocore_parse("rest-xml", OP, HttpResponse(200, [], body))
    parsed.pop("ResponseMetadata")
    return parsed


def without_empty_flattened(value: dict[str, Any]) -> dict[str, Any]:
    """A flattened list or map with no items leaves no element behind."""
    kept = {k: v for k, v in value.items() if not (k in FLATTENED and not v)}
    if "Nested" in kept:
        kept["Nested"] = without_empty_flattened(kept["Nested"])
    return kept


@settings(FEW_EXAMPLES, max_examples=50)
@given(output_for(OP.output_shape))
def test_every_xml_trait_reads_back_in_botocore(value: dict[str, Any]) -> None:
    assert read_back(value) == without_empty_flattened(value)


def test_a_full_document_reads_back() -> None:
    value = {
        "Flat": ["a", "b"],
        "FlatNamed": ["c"],
        "Wrapped": [{"Type": "CanonicalUser", "ID": "1"}],
        "Plain": [1, 2],
        "Map": {"k": "v"},
        "FlatMap": {"x": 1, "y": 2},
        "Grantee": {"Type": "Group", "ID": "g"},
        "When": dt.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=dt.UTC),
        "WhenUnix": dt.datetime(2024, 5, 6, tzinfo=dt.UTC),
        "Data": b"\x00\xff",
        "Ratio": 0.1,
        "Flag": False,
        "Count": 0,
        "Renamed": "",
    }
    assert read_back(value) == value


def test_xml_text_is_escaped_and_declared() -> None:
    body = to_xml(OP.output_shape, {"Renamed": "<&>", "Grantee": {"Type": "T"}}, "Out")
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Out>')
    assert b"<OtherName>&lt;&amp;&gt;</OtherName>" in body
    assert b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"' in body
    assert b'xsi:type="T"' in body


def test_characters_xml_cannot_carry_are_replaced() -> None:
    assert read_back({"Renamed": "a\x00b\x1f"}) == {"Renamed": "a\ufffdb\ufffd"}


def test_none_and_unknown_keys_are_left_out() -> None:
    assert read_back({"Renamed": None, "Bogus": 1, "Count": 3}) == {"Count": 3}


def test_timestamps_follow_their_format() -> None:
    when = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    body = to_xml(OP.output_shape, {"When": when, "WhenUnix": when}, "Out")
    assert b"<When>2024-05-06T07:08:09Z</When>" in body
    assert b"<WhenUnix>1714979289</WhenUnix>" in body
