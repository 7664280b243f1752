"""An object seen part by part: GetObject/HeadObject `partNumber`, and GetObjectAttributes'
ObjectParts.

Parts keep the numbers they were uploaded as, which need not be 1..N. An object written by
one PUT is its own part 1, as in S3.
"""

from __future__ import annotations

from typing import Any

from sagelab.services.s3.errors import InvalidArgument, InvalidPartNumber, InvalidRequest
from sagelab.services.s3.object_headers import checksum_members
from sagelab.services.s3.objects import Part, StoredObject

MAX_PART_NUMBER = 10_000
_BOTH = "Cannot specify both Range header and partNumber query parameter"


def check_number(part_number: int) -> None:
    if not 1 <= part_number <= MAX_PART_NUMBER:
        raise InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive",
            "partNumber",
            str(part_number),
        )


def span(obj: StoredObject, part_number: int, range_header: str | None) -> tuple[int, int]:
    """The inclusive byte span of part `part_number`."""
    if range_header is not None:
        raise InvalidRequest(message=_BOTH)
    check_number(part_number)
    if not obj.parts:
        if part_number != 1:
            raise InvalidPartNumber(part_number, 1)
        return 0, obj.size - 1
    offset = 0
    for part in obj.parts:
        if part.number == part_number:
            return offset, offset + part.size - 1
        offset += part.size
    raise InvalidPartNumber(part_number, len(obj.parts))


def part_checksums(obj: StoredObject, part_number: int) -> dict[str, Any]:
    """A part read's checksum members, asked for with ChecksumMode: the part's own, which
    its bytes hash to (an object written by one PUT is its own part 1)."""
    if not obj.parts:
        checksums = obj.spec.checksums if part_number == 1 else {}
    else:
        checksums = next((p.checksums for p in obj.parts if p.number == part_number), {})
    if not checksums:
        return {}
    return checksum_members(checksums) | {"ChecksumType": obj.spec.checksum_type}


def _entry(part: Part) -> dict[str, Any]:
    return {"PartNumber": part.number, "Size": part.size} | checksum_members(part.checksums)


def page(obj: StoredObject, marker: int | None, max_parts: int | None) -> dict[str, Any] | None:
    """GetObjectAttributes' ObjectParts: None for an object not uploaded in parts. S3 lists
    the parts themselves only for an object whose checksum is a composite of theirs; the
    count and the paging always."""
    if not obj.parts:
        return None
    limit = 1000 if max_parts is None else max_parts
    after = [p for p in obj.parts if p.number > (marker or 0)]
    listed = after[:limit]
    out: dict[str, Any] = {
        "TotalPartsCount": len(obj.parts),
        "PartNumberMarker": marker or 0,
        "NextPartNumberMarker": listed[-1].number if listed else 0,
        "MaxParts": limit,
        "IsTruncated": len(after) > limit,
    }
    if obj.spec.checksum_type == "COMPOSITE":
        out["Parts"] = [_entry(p) for p in listed]
    return out
