"""POST object: a browser's form upload to `POST /<bucket>`, as boto3's
`generate_presigned_post` prepares it. The form's policy is its signature; once the policy
admits the form, the upload is a PutObject by the policy's signer, through the gateway's own
validation, IAM authorization and metering (`Gateway.invoke`). The file streams from the
form into the blob store; a size outside the policy's `content-length-range` stores nothing.

No botocore operation models this request, so its success answer (204, 201 with a
`PostResponse` document, or a 303 to `success_action_redirect`) is written here.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, unquote, urlencode
from xml.etree import ElementTree

from sagelab.gateway.checksums import ChecksumReader
from sagelab.gateway.codec import codec_for
from sagelab.gateway.codec.xml import xml_bytes
from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import NotImplementedByUs
from sagelab.gateway.http import BodyReader, HttpRequest, HttpResponse
from sagelab.gateway.models import service_model
from sagelab.gateway.pipeline import Gateway
from sagelab.services.s3 import post_auth, post_policy
from sagelab.services.s3.errors import (
    EntityTooLarge,
    EntityTooSmall,
    InvalidArgument,
    MalformedXML,
    access_denied,
)
from sagelab.services.s3.object_headers import checksum_members
from sagelab.services.s3.objects import MAX_PUT_SIZE
from sagelab.services.s3.post_form import FormUpload

# Form fields that become PutObject members as they are.
_MEMBERS = {
    "acl": "ACL",
    "cache-control": "CacheControl",
    "content-type": "ContentType",
    "content-disposition": "ContentDisposition",
    "content-encoding": "ContentEncoding",
    "content-language": "ContentLanguage",
    "x-amz-storage-class": "StorageClass",
    "x-amz-server-side-encryption": "ServerSideEncryption",
    "x-amz-website-redirect-location": "WebsiteRedirectLocation",
}
_CHECKSUMS = {
    "x-amz-checksum-crc32": "CRC32",
    "x-amz-checksum-crc32c": "CRC32C",
    "x-amz-checksum-crc64nvme": "CRC64NVME",
    "x-amz-checksum-sha1": "SHA1",
    "x-amz-checksum-sha256": "SHA256",
}
# Fields read by the upload itself rather than passed on.
_CONTROL = frozenset(
    {
        "key",
        "bucket",
        "file",
        "policy",
        "awsaccesskeyid",
        "signature",
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-signature",
        "x-amz-security-token",
        "success_action_status",
        "success_action_redirect",
        "redirect",
        "expires",
        "tagging",
    }
)
_METADATA_PREFIX = "x-amz-meta-"
_FILENAME = "${filename}"


def answer(req: HttpRequest, ctx: RequestContext, gateway: Gateway) -> HttpResponse:
    bucket = unquote(req.raw_path.strip("/"))
    form = FormUpload(req)
    form.read_fields()
    fields = dict(form.fields)
    fields["bucket"] = bucket  # the policy must name the bucket posted to
    fields["key"] = _key(fields, form.filename)
    signed = post_auth.signer(fields, gateway.lookup, time.time())
    if signed is None:
        # Anonymous uploads need a bucket anyone may write to, which sagelab never makes.
        raise access_denied()
    policy = post_policy.decode(fields["policy"])
    post_policy.check(policy, fields, datetime.now(UTC))
    ctx.principal = signed.credential.principal
    ctx.account_id = ctx.principal.account_id
    ctx.region = signed.region
    params = _put_params(fields, _limited(form, policy.length_range))
    out = gateway.invoke(ctx, "s3", "PutObject", params)
    return _response(req, ctx, fields, out)


def _key(fields: Mapping[str, str], filename: str | None) -> str:
    key = fields.get("key")
    if key is None:
        raise post_auth.missing("key")
    if _FILENAME in key:
        # Browsers send the file's name alone; some old ones sent its whole path.
        key = key.replace(_FILENAME, (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    return key


def _put_params(fields: Mapping[str, str], body: BodyReader) -> dict[str, Any]:
    params: dict[str, Any] = {"Bucket": fields["bucket"], "Key": fields["key"]}
    expected = {alg: fields[name] for name, alg in _CHECKSUMS.items() if name in fields}
    params["Body"] = ChecksumReader(body, expected=expected) if expected else body
    params.update(checksum_members(expected))
    metadata = {}
    for name, value in fields.items():
        if name in _MEMBERS:
            params[_MEMBERS[name]] = value
        elif name.startswith(_METADATA_PREFIX):
            metadata[name[len(_METADATA_PREFIX) :]] = value
        elif name.startswith("x-amz-") and name not in _CONTROL and name not in _CHECKSUMS:
            raise NotImplementedByUs(
                message=f"Form field {name} of a POST upload is not supported by sagelab"
            )
    if metadata:
        params["Metadata"] = metadata
    if "expires" in fields:
        params["Expires"] = _http_date(fields["expires"])
    if "tagging" in fields:
        params["Tagging"] = _tag_query(fields["tagging"])
    return params


def _http_date(value: str) -> datetime:
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError) as bad:
        raise InvalidArgument("Invalid date in the Expires field.", "Expires", value) from bad


def _tag_query(document: str) -> str:
    """The form's `<Tagging><TagSet><Tag>…` document as PutObject's query-string tagging."""
    try:
        root = ElementTree.fromstring(document)
    except ElementTree.ParseError as bad:
        raise MalformedXML() from bad
    pairs = []
    for tag in root.iter():
        if _local(tag.tag) == "Tag":
            parts = {_local(child.tag): child.text or "" for child in tag}
            pairs.append((parts.get("Key", ""), parts.get("Value", "")))
    return urlencode(pairs)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _SizeChecked:
    """The file's bytes, refused as soon as they pass the policy's maximum, and at their end
    if they fall short of its minimum: the blob store then keeps nothing."""

    def __init__(self, inner: BodyReader, minimum: int, maximum: int) -> None:
        self._inner, self._min, self._max = inner, minimum, maximum
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        self.size += len(data)
        if self.size > self._max:
            raise EntityTooLarge(self.size, self._max)
        if not data and n != 0 and self.size < self._min:
            raise EntityTooSmall(self.size, self._min)
        return data


def _limited(form: FormUpload, length_range: tuple[int, int] | None) -> BodyReader:
    minimum, maximum = length_range or (0, MAX_PUT_SIZE)
    return _SizeChecked(form, minimum, min(maximum, MAX_PUT_SIZE))


def _response(
    req: HttpRequest, ctx: RequestContext, fields: Mapping[str, str], out: dict[str, Any]
) -> HttpResponse:
    op = service_model("s3").operation_model("PutObject")
    resp = codec_for(service_model("s3")).serialize(op, out, ctx)
    bucket, key = fields["bucket"], fields["key"]
    location = f"{req.scheme}://{req.host}/{quote(bucket)}/{quote(key)}"
    redirect = fields.get("success_action_redirect") or fields.get("redirect")
    if redirect:
        query = urlencode({"bucket": bucket, "key": key, "etag": out["ETag"]})
        resp.status = 303
        resp.set_header("Location", f"{redirect}{'&' if '?' in redirect else '?'}{query}")
        return resp
    resp.set_header("Location", location)
    status = fields.get("success_action_status")
    if status == "201":
        resp.status = 201
        resp.set_header("Content-Type", "application/xml")
        resp.body = _post_response(location, bucket, key, out["ETag"])
    else:
        resp.status = 200 if status == "200" else 204
    return resp


def _post_response(location: str, bucket: str, key: str, etag: str) -> bytes:
    root = ElementTree.Element("PostResponse")
    for name, text in (("Location", location), ("Bucket", bucket), ("Key", key), ("ETag", etag)):
        ElementTree.SubElement(root, name).text = text
    return xml_bytes(root)
