"""Structures written as XML the way botocore's `BaseXMLResponseParser` reads them back.

Used by the query protocol's responses and by rest-xml (S3) bodies. Lists are wrapped in
`<member>` (or the member's `locationName`) unless `flattened`; maps are `<entry><key/>
<value/></entry>` unless flattened; `xmlAttribute` members become attributes of their
structure's element; `xmlNamespace` declares a namespace on the element it sits on.
Members bound to a location other than the body (headers, status code) are not written.

Each (shape, element name) compiles once into a writer that appends the element's text,
escaped as ElementTree escapes: the bytes are ElementTree's, at a fraction of the cost (a
ListObjectsV2 page holds a thousand keys). The query codec builds an ElementTree, so
`write_members` parses the members' text back under its element (query models declare no
namespaces on members, which that would turn into prefixes).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any
from xml.etree.ElementTree import Element, fromstring, tostring

from botocore.model import Shape

from sagelab.gateway.codec.shapes import format_text_scalar, serialized_name

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 cannot carry at all, even as references: a client's parser would
# reject the whole document, so they are replaced rather than sent.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (
    *_TEXT_ESCAPES,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)
# Enough for every (shape, name) pair of the served models.
_WRITERS = 8192

# An element's attributes in the order first set; setting one again replaces its value.
Attributes = dict[str, str]
# Appends the XML of one value to the parts of a document.
Writer = Callable[[list[str], Any], None]


def to_xml(
    shape: Shape, value: Mapping[str, Any], root_name: str, namespace: str | None = None
) -> bytes:
    """A whole document: `<root_name xmlns=namespace>` holding the structure's members."""
    out: list[str] = []
    declared: Attributes = {"xmlns": namespace} if namespace else {}
    _structure(out, root_name, shape, value, declared | _namespace(shape))
    return XML_DECLARATION + "".join(out).encode("utf-8")


def xml_bytes(root: Element) -> bytes:
    """`root` as UTF-8 bytes behind an XML declaration."""
    return XML_DECLARATION + tostring(root, encoding="unicode").encode("utf-8")


def write_members(element: Element, shape: Shape, value: Mapping[str, Any]) -> None:
    """Append the body members of structure `shape` found in `value` to `element`;
    None values and keys the shape does not know are left out."""
    for name, text in _attributes(shape, value).items():
        element.set(name, text)
    out = ["<members>"]
    _members(out, shape, value)
    out.append("</members>")
    element.extend(fromstring("".join(out)))


def xml_text(shape: Shape, value: Any) -> str:
    """The text of a scalar, made safe for XML 1.0."""
    return _NOT_XML.sub("\ufffd", format_text_scalar(shape, value))


# --- writers ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=_WRITERS)
def _writer(shape: Shape, name: str) -> Writer:
    """The writer of values of `shape` as element(s) named `name`."""
    kind = shape.type_name
    if kind == "list":
        return _list_writer(shape, name)
    if kind == "map":
        return _map_writer(shape, name)
    if kind == "structure":
        namespace = _namespace(shape)
        return lambda out, value: _structure(out, name, shape, value, namespace)
    return _scalar_writer(shape, name)


def _scalar_writer(shape: Shape, name: str) -> Writer:
    start, end = f"<{name}{_attribute_text(_namespace(shape))}", f"</{name}>"
    # Most scalars are strings, whose text is themselves: skip the dispatch by type.
    formatted = str if shape.type_name == "string" else functools.partial(format_text_scalar, shape)

    def write(out: list[str], value: Any) -> None:
        text = _NOT_XML.sub("\ufffd", formatted(value))
        out.append(f"{start}>{_escape(text, _TEXT_ESCAPES)}{end}" if text else f"{start} />")

    return write


def _structure(
    out: list[str], name: str, shape: Shape, value: Mapping[str, Any], declared: Attributes
) -> None:
    start = f"<{name}{_attribute_text(declared | _attributes(shape, value))}"
    first = len(out)
    out.append(start + ">")
    _members(out, shape, value)
    _close(out, first, start, name)


def _close(out: list[str], first: int, start: str, name: str) -> None:
    """End the element opened at `out[first]`; without content, as ElementTree's `<a />`."""
    if len(out) == first + 1:
        out[first] = start + " />"
    else:
        out.append(f"</{name}>")


def _members(out: list[str], shape: Shape, value: Mapping[str, Any]) -> None:
    for member, write in _layout(shape)[1]:
        item = value.get(member)
        if item is not None:
            write(out, item)


def _list_writer(shape: Shape, name: str) -> Writer:
    if shape.serialization.get("flattened"):
        item = _writer(shape.member, name)
        return lambda out, value: _items(out, item, value)
    wrapped = _writer(shape.member, shape.member.serialization.get("name", "member"))

    def write(out: list[str], value: list[Any]) -> None:
        first = len(out)
        out.append(f"<{name}>")
        _items(out, wrapped, value)
        _close(out, first, f"<{name}", name)

    return write


def _items(out: list[str], write: Writer, value: list[Any]) -> None:
    for item in value:
        if item is not None:
            write(out, item)


def _map_writer(shape: Shape, name: str) -> Writer:
    key = _writer(shape.key, shape.key.serialization.get("name", "key"))
    item = _writer(shape.value, shape.value.serialization.get("name", "value"))
    flattened = bool(shape.serialization.get("flattened"))
    entry = name if flattened else "entry"

    def entries(out: list[str], value: Mapping[Any, Any]) -> None:
        for entry_key, entry_value in value.items():
            if entry_value is not None:
                out.append(f"<{entry}>")
                key(out, entry_key)
                item(out, entry_value)
                out.append(f"</{entry}>")

    if flattened:
        return entries

    def write(out: list[str], value: Mapping[Any, Any]) -> None:
        first = len(out)
        out.append(f"<{name}>")
        entries(out, value)
        _close(out, first, f"<{name}", name)

    return write


@functools.lru_cache(maxsize=_WRITERS)
def _layout(
    shape: Shape,
) -> tuple[tuple[tuple[str, str, Shape], ...], tuple[tuple[str, Writer], ...]]:
    """A structure's body members: attributes as (member, XML name, shape), then elements
    as (member, writer)."""
    attributes, elements = [], []
    for name, member in shape.members.items():
        if member.serialization.get("location"):
            continue
        if member.serialization.get("xmlAttribute"):
            attributes.append((name, member.serialization["name"], member))
        else:
            elements.append((name, _writer(member, serialized_name(member, name))))
    return tuple(attributes), tuple(elements)


def _attributes(shape: Shape, value: Mapping[str, Any]) -> Attributes:
    return {
        xml_name: xml_text(member, value[name])
        for name, xml_name, member in _layout(shape)[0]
        if value.get(name) is not None
    }


def _namespace(shape: Shape) -> Attributes:
    """Honour `xmlNamespace` (`{"uri", "prefix"?}` or a bare URI) on `shape`'s element."""
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, str):
        return {"xmlns": namespace}
    if isinstance(namespace, dict) and namespace.get("uri"):
        prefix = namespace.get("prefix")
        return {f"xmlns:{prefix}" if prefix else "xmlns": namespace["uri"]}
    return {}


def _attribute_text(attributes: Attributes) -> str:
    return "".join(
        f' {name}="{_escape(text, _ATTRIBUTE_ESCAPES)}"' for name, text in attributes.items()
    )


def _escape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    # Most text needs no escaping: testing first is cheaper than replacing (ElementTree's way).
    for char, reference in escapes:
        if char in text:
            text = text.replace(char, reference)
    return text
