"""Structures written as XML the way botocore's `BaseXMLResponseParser` reads them back.

Used by the query protocol's responses and by rest-xml (S3) bodies. Lists are wrapped in
`<member>` (or the member's `locationName`) unless `flattened`; maps are `<entry><key/>
<value/></entry>` unless flattened; `xmlAttribute` members become attributes of their
structure's element; `xmlNamespace` declares a namespace on the element it sits on.
Members bound to a location other than the body (headers, status code) are not written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from botocore.model import Shape

from sagelab.gateway.codec.shapes import format_text_scalar, serialized_name

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 cannot carry at all, even as references: a client's parser would
# reject the whole document, so they are replaced rather than sent.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def to_xml(
    shape: Shape, value: Mapping[str, Any], root_name: str, namespace: str | None = None
) -> bytes:
    """A whole document: `<root_name xmlns=namespace>` holding the structure's members."""
    root = Element(root_name)
    if namespace:
        root.set("xmlns", namespace)
    declare_namespace(root, shape)
    write_members(root, shape, value)
    return xml_bytes(root)


def xml_bytes(root: Element) -> bytes:
    """`root` as UTF-8 bytes behind an XML declaration."""
    return XML_DECLARATION + tostring(root, encoding="unicode").encode("utf-8")


def write_members(element: Element, shape: Shape, value: Mapping[str, Any]) -> None:
    """Append the body members of structure `shape` found in `value` to `element`;
    None values and keys the shape does not know are left out."""
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None or member.serialization.get("location"):
            continue
        if member.serialization.get("xmlAttribute"):
            element.set(member.serialization["name"], xml_text(member, item))
        else:
            write_value(element, serialized_name(member, name), member, item)


def write_value(parent: Element, name: str, shape: Shape, value: Any) -> None:
    """Append `value` of `shape` to `parent` as element(s) named `name`."""
    kind = shape.type_name
    if kind == "list":
        _write_list(parent, name, shape, value)
    elif kind == "map":
        _write_map(parent, name, shape, value)
    elif kind == "structure":
        element = SubElement(parent, name)
        declare_namespace(element, shape)
        write_members(element, shape, value)
    else:
        element = SubElement(parent, name)
        declare_namespace(element, shape)
        element.text = xml_text(shape, value)


def _write_list(parent: Element, name: str, shape: Shape, value: list[Any]) -> None:
    items = [item for item in value if item is not None]
    if shape.serialization.get("flattened"):
        for item in items:
            write_value(parent, name, shape.member, item)
        return
    wrapper = SubElement(parent, name)
    item_name = shape.member.serialization.get("name", "member")
    for item in items:
        write_value(wrapper, item_name, shape.member, item)


def _write_map(parent: Element, name: str, shape: Shape, value: Mapping[Any, Any]) -> None:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    flattened = shape.serialization.get("flattened")
    container = parent if flattened else SubElement(parent, name)
    for key, item in value.items():
        if item is None:
            continue
        entry = SubElement(container, name if flattened else "entry")
        write_value(entry, key_name, shape.key, key)
        write_value(entry, value_name, shape.value, item)


def declare_namespace(element: Element, shape: Shape) -> None:
    """Honour `xmlNamespace` (`{"uri", "prefix"?}` or a bare URI) on `element`."""
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, str):
        element.set("xmlns", namespace)
    elif isinstance(namespace, dict) and namespace.get("uri"):
        prefix = namespace.get("prefix")
        element.set(f"xmlns:{prefix}" if prefix else "xmlns", namespace["uri"])


def xml_text(shape: Shape, value: Any) -> str:
    """The text of a scalar, made safe for XML 1.0."""
    return _NOT_XML.sub("\ufffd", format_text_scalar(shape, value))
