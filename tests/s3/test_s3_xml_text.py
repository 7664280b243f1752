"""S3's XML bodies are written as text directly; they must be the very bytes ElementTree
writes for the same tree (clients and the protocol tests were built against those).

The oracle: parse our document without namespace processing (so `xmlns` stays an ordinary
attribute, as ElementTree's writer treats it), rebuild the tree, and let ElementTree write it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree.ElementTree import Element, TreeBuilder, tostring
from xml.parsers import expat

import botocore.session
from botocore.model import Shape
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sagelab.gateway.codec.xml import XML_DECLARATION, to_xml

S3 = botocore.session.get_session().get_service_model("s3")
# Lists of objects, versions, parts and uploads; grants (namespaced xsi attributes); maps
# and flattened lists; plain scalars of every type.
OPERATIONS = [
    "ListObjectsV2",
    "ListObjectVersions",
    "ListParts",
    "ListMultipartUploads",
    "GetBucketAcl",
    "GetObjectTagging",
    "GetBucketLifecycleConfiguration",
    "CopyObject",
    "DeleteObjects",
]
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


def _values(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        members = {n: _values(m, depth + 1) for n, m in shape.members.items() if depth < 4}
        return st.fixed_dictionaries({}, optional=members)
    if kind == "list":
        return st.lists(_values(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(TEXT, _values(shape.value, depth + 1), max_size=2)
    return {
        "boolean": st.booleans(),
        "integer": st.integers(-(2**31), 2**31 - 1),
        "long": st.integers(-(2**63), 2**63 - 1),
        "timestamp": st.datetimes(timezones=st.just(dt.UTC)),
        "blob": st.binary(max_size=8),
        "double": st.floats(allow_nan=False),
        "float": st.floats(allow_nan=False, width=32),
    }.get(kind, TEXT)


def _as_elementtree_writes(document: bytes) -> bytes:
    builder = TreeBuilder()
    parser = expat.ParserCreate()  # no namespace processing
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(document, True)
    root: Element = builder.close()
    return XML_DECLARATION + tostring(root, encoding="unicode").encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(OPERATIONS), st.data())
def test_bodies_are_the_bytes_elementtree_writes(operation: str, data: st.DataObject) -> None:
    shape = S3.operation_model(operation).output_shape
    value = data.draw(_values(shape))
    document = to_xml(shape, value, "Result", "http://s3.amazonaws.com/doc/2006-03-01/")
    assume(b"\r" not in document)  # a parser reads a raw CR as LF; ElementTree writes it raw
    assert document == _as_elementtree_writes(document)


def test_empty_elements_and_escapes_as_elementtree_writes_them() -> None:
    shape = S3.operation_model("ListObjectsV2").output_shape
    value = {"Name": "a&b<c>\"d'", "Prefix": "", "Contents": [], "CommonPrefixes": [{}]}
    document = to_xml(shape, value, "ListBucketResult")
    assert document == _as_elementtree_writes(document)
    assert b"<Name>a&amp;b&lt;c&gt;\"d'</Name><Prefix /><CommonPrefixes />" in document
