"""Who signed a browser POST upload: the form carries the policy's signature, SigV4
(`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`, `x-amz-signature`, as botocore's
`generate_presigned_post` writes it) or SigV2 (`AWSAccessKeyId`, `signature`). A form with
neither is anonymous.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sagelab.gateway.errors import AuthError
from sagelab.gateway.sigv4 import (
    ALGORITHM,
    Credential,
    amz_epoch,
    hmac_hex,
    resolve_credential,
    same_signature,
    signing_key,
)
from sagelab.services.s3.errors import InvalidArgument

_V4_FIELDS = ("x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature")
_V2_FIELDS = ("awsaccesskeyid", "signature")

Lookup = Callable[[str], Credential | None]


@dataclass(frozen=True)
class Signer:
    credential: Credential
    region: str


def missing(name: str) -> InvalidArgument:
    return InvalidArgument(
        f"Bucket POST must contain a field named '{name}'.  If it is specified, please check "
        "the order of the fields.",
        name,
        "",
    )


def signer(fields: Mapping[str, str], lookup: Lookup, now: float) -> Signer | None:
    """The verified signer of the form's policy (field names in lower case); None when the
    form is unsigned."""
    if any(name in fields for name in _V4_FIELDS):
        return _v4(fields, lookup, now)
    if any(name in fields for name in _V2_FIELDS):
        return _v2(fields, lookup, now)
    return None


def _required(fields: Mapping[str, str], *names: str) -> list[str]:
    for name in names:
        if not fields.get(name):
            raise missing(name)
    return [fields[name] for name in names]


def _v4(fields: Mapping[str, str], lookup: Lookup, now: float) -> Signer:
    algorithm, scope, amz_date, signature, policy = _required(fields, *_V4_FIELDS, "policy")
    if algorithm != ALGORITHM:
        raise InvalidArgument(
            f"Only {ALGORITHM} is supported as the x-amz-algorithm.", "x-amz-algorithm", algorithm
        )
    parts = scope.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or parts[3] != "s3":
        raise InvalidArgument(
            "Error parsing the X-Amz-Credential parameter; the credential is malformed: "
            "expected <key>/<date>/<region>/s3/aws4_request.",
            "x-amz-credential",
            scope,
        )
    if amz_epoch(amz_date) is None or amz_date[:8] != parts[1]:
        raise InvalidArgument(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\" and on "
            "the credential's date.",
            "x-amz-date",
            amz_date,
        )
    cred = resolve_credential(parts[0], fields.get("x-amz-security-token"), lookup, now)
    key = signing_key(cred.secret_access_key, parts[1], parts[2], "s3")
    _compare(hmac_hex(key, policy), signature, cred, policy)
    return Signer(cred, parts[2])


def _v2(fields: Mapping[str, str], lookup: Lookup, now: float) -> Signer:
    access_key_id, signature, policy = _required(fields, *_V2_FIELDS, "policy")
    cred = resolve_credential(access_key_id, fields.get("x-amz-security-token"), lookup, now)
    digest = hmac.new(cred.secret_access_key.encode(), policy.encode(), hashlib.sha1).digest()
    _compare(base64.b64encode(digest).decode(), signature, cred, policy)
    return Signer(cred, "us-east-1")


def _compare(computed: str, provided: str, cred: Credential, policy: str) -> None:
    if same_signature(computed, provided):
        return
    raise AuthError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
        AWSAccessKeyId=cred.access_key_id,
        StringToSign=policy,
        SignatureProvided=provided,
    )
