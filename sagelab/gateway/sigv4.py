"""Verifying AWS request signatures: SigV4 (header and presigned) and SigV2 presigned S3 URLs.

Canonical forms come from botocore's own signers, driven from the server side: we rebuild an
`AWSRequest` from what arrived and let the signer the client used canonicalise it, so the two
sides cannot drift apart. Only the parts a client decides (which headers it signed, the payload
hash, the timestamp) are overridden with what the request declares.
"""

from __future__ import annotations

import calendar
import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from botocore.auth import HmacV1QueryAuth, S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from sagelab.gateway.context import Principal
from sagelab.gateway.errors import AuthError
from sagelab.gateway.http import HttpRequest

Style = Literal["query", "json", "rest-json", "s3"]
Form = Literal["header", "query-v4", "query-v2"]

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW_S = 15 * 60
MAX_EXPIRES_S = 7 * 24 * 3600
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_V4_QUERY_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Signature",
    "X-Amz-Date",
    "X-Amz-SignedHeaders",
    "X-Amz-Expires",
)


@dataclass(frozen=True)
class Credential:
    """What an access key id resolves to."""

    access_key_id: str
    secret_access_key: str
    principal: Principal
    session_token: str | None = None  # temporary credentials must present it
    expires_at: float | None = None


@dataclass(frozen=True)
class SignatureInfo:
    form: Form
    access_key_id: str
    region: str  # from the credential scope ("us-east-1" for SigV2)
    service: str  # signing name from the scope ("s3" for SigV2)
    payload_hash: str  # x-amz-content-sha256 value, the hex hash computed, or UNSIGNED-PAYLOAD
    amz_date: str  # "" for SigV2, which has only an expiry
    signature: str  # the seed signature (chunk signatures chain from it)
    signing_key: bytes  # derived key, needed to verify signed chunks

    @property
    def scope(self) -> str:
        return f"{self.amz_date[:8]}/{self.region}/{self.service}/aws4_request"


@dataclass(frozen=True)
class _Claim:
    """What a request says about its signature, before any cryptography."""

    form: Form
    access_key_id: str
    signature: str
    token: str | None
    date: str = ""
    region: str = "us-east-1"
    service: str = "s3"
    signed_headers: tuple[str, ...] = ()
    amz_date: str = ""
    expires: int = 0  # X-Amz-Expires seconds (query-v4), epoch seconds (query-v2)


@functools.lru_cache(maxsize=256)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    # Cached: the four-HMAC chain is the same for every request of a key on a given day.
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def same_signature(computed: str, provided: str) -> bool:
    return hmac.compare_digest(computed.encode("utf-8"), provided.encode("utf-8"))


def signing_scope(req: HttpRequest) -> tuple[str, str] | None:
    """(service, region) named by the request's credential scope (header or presigned
    query), ("s3", "us-east-1") for SigV2 presigned S3 URLs, None if the request is unsigned.
    A signature too malformed to name a scope gives ("", ""): signed, but routed by other
    means, and `authenticate` then says what is wrong. No cryptography."""
    auth = req.header("authorization")
    credential = None
    if auth is not None:
        credential = _header_fields(auth).get("Credential", "")
    elif req.query_param("X-Amz-Credential") is not None:
        credential = req.query_param("X-Amz-Credential") or ""
    elif req.query_param("AWSAccessKeyId") is not None and req.query_param("Signature"):
        return ("s3", "us-east-1")
    if credential is None:
        return None
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        return ("", "")
    return (parts[3], parts[2])


def authenticate(
    req: HttpRequest,
    lookup: Callable[[str], Credential | None],
    *,
    style: Style,
    now: float,
    body: bytes | None,
    virtual_bucket: str | None = None,
) -> tuple[Credential, SignatureInfo]:
    """Verify the request; raise AuthError with the code, status and message AWS uses for
    `style`. `body` is the whole body for non-S3 requests (hashed here); None for S3, where
    the x-amz-content-sha256 value is taken as given and the body is verified while it
    streams (see streaming.decoded_body). `virtual_bucket` names the bucket of a
    virtual-host-style S3 request: SigV2 signs the path with the bucket in front."""
    claim = _claim(req, style)
    cred = _credential(claim, lookup, style, now)
    _check_time(claim, style, now)
    if claim.form == "query-v2":
        return cred, _verify_v2(req, claim, cred, style, virtual_bucket)
    return cred, _verify_v4(req, claim, cred, style, body)


# --- what the request claims ---------------------------------------------------------


def _claim(req: HttpRequest, style: Style) -> _Claim:
    auth = req.header("authorization")
    if auth is not None:
        return _header_claim(req, auth, style)
    if req.query_param("X-Amz-Credential") is not None or req.query_param("X-Amz-Algorithm"):
        return _query_v4_claim(req, style)
    if req.query_param("AWSAccessKeyId") is not None:
        return _query_v2_claim(req, style)
    if style == "s3":
        raise AuthError("AccessDenied", "Access Denied", 403)
    raise AuthError("MissingAuthenticationToken", "Missing Authentication Token", 403)


def _header_fields(auth: str) -> dict[str, str]:
    _, _, rest = auth.partition(" ")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            fields[key] = value
    return fields


def _header_claim(req: HttpRequest, auth: str, style: Style) -> _Claim:
    if not auth.startswith(ALGORITHM + " "):
        raise _malformed(style, "header", f"Unsupported authorization type: {auth.split(' ')[0]}")
    fields = _header_fields(auth)
    for name in ("Credential", "SignedHeaders", "Signature"):
        if name not in fields:
            raise _malformed(style, "header", f"Authorization header requires '{name}' parameter.")
    return _v4_claim(
        req,
        style,
        "header",
        credential=fields["Credential"],
        signed=fields["SignedHeaders"],
        signature=fields["Signature"],
        amz_date=_header_date(req, style),
        expires=0,
    )


def _query_v4_claim(req: HttpRequest, style: Style) -> _Claim:
    values = {name: req.query_param(name) for name in _V4_QUERY_PARAMS}
    if any(v is None for v in values.values()) or values["X-Amz-Algorithm"] != ALGORITHM:
        raise _malformed(
            style,
            "query-v4",
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
            "and X-Amz-Expires parameters.",
        )
    present = {k: v or "" for k, v in values.items()}
    return _v4_claim(
        req,
        style,
        "query-v4",
        credential=present["X-Amz-Credential"],
        signed=present["X-Amz-SignedHeaders"],
        signature=present["X-Amz-Signature"],
        amz_date=_parse_amz_date(present["X-Amz-Date"], style, "query-v4"),
        expires=_expires_seconds(present["X-Amz-Expires"], style),
    )


def _v4_claim(
    req: HttpRequest,
    style: Style,
    form: Form,
    *,
    credential: str,
    signed: str,
    signature: str,
    amz_date: str,
    expires: int,
) -> _Claim:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise _malformed(
            style,
            form,
            "the Credential is mal-formed; expecting "
            '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
        )
    if parts[1] != amz_date[:8]:
        raise _malformed(
            style, form, "Invalid credential date. Date is not the same as X-Amz-Date."
        )
    return _Claim(
        form=form,
        access_key_id=parts[0],
        signature=signature,
        token=_token(req),
        date=parts[1],
        region=parts[2],
        service=parts[3],
        signed_headers=tuple(h.strip().lower() for h in signed.split(";") if h.strip()),
        amz_date=amz_date,
        expires=expires,
    )


def _query_v2_claim(req: HttpRequest, style: Style) -> _Claim:
    signature = req.query_param("Signature")
    expires = req.query_param("Expires")
    if not signature or expires is None:
        raise _malformed(
            style,
            "query-v2",
            "Query-string authentication requires the Signature, Expires and "
            "AWSAccessKeyId parameters",
        )
    if not expires.isdigit():
        raise AuthError(
            "AccessDenied", f"Invalid date (should be seconds since epoch): {expires}", 403
        )
    return _Claim(
        form="query-v2",
        access_key_id=req.query_param("AWSAccessKeyId") or "",
        signature=signature,
        token=_token(req),
        expires=int(expires),
    )


def _token(req: HttpRequest) -> str | None:
    return (
        req.header("x-amz-security-token")
        or req.query_param("X-Amz-Security-Token")
        or req.query_param("x-amz-security-token")
    )


def _header_date(req: HttpRequest, style: Style) -> str:
    amz_date = req.header("x-amz-date")
    if amz_date is not None:
        return _parse_amz_date(amz_date, style, "header")
    http_date = req.header("date")
    if http_date:
        try:
            return parsedate_to_datetime(http_date).strftime(_AMZ_DATE)
        except (TypeError, ValueError):
            pass
    raise _malformed(
        style, "header", "AWS authentication requires a valid Date or x-amz-date header"
    )


def _parse_amz_date(value: str, style: Style, form: Form) -> str:
    if amz_epoch(value) is None:
        raise _malformed(style, form, f"Invalid date: {value}")
    return value


@functools.lru_cache(maxsize=64)
def amz_epoch(amz_date: str) -> int | None:
    """Seconds since the epoch; None when not an ISO 8601 basic date. Cached: strptime is
    slow, and concurrent clients sign with the same few timestamps."""
    try:
        return calendar.timegm(time.strptime(amz_date, _AMZ_DATE))
    except ValueError:
        return None


def _epoch(amz_date: str) -> int:
    epoch = amz_epoch(amz_date)
    assert epoch is not None, "validated by _parse_amz_date"
    return epoch


def _expires_seconds(value: str, style: Style) -> int:
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if seconds < 1:
        raise _malformed(style, "query-v4", "X-Amz-Expires must be non-negative")
    if seconds > MAX_EXPIRES_S:
        raise _malformed(
            style,
            "query-v4",
            f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES_S}",
        )
    return seconds


# --- who signed, and when -------------------------------------------------------------


def resolve_credential(
    access_key_id: str,
    token: str | None,
    lookup: Callable[[str], Credential | None],
    now: float,
) -> Credential:
    """What an S3 access key id resolves to, with its session token checked, for a request
    signed by other means than a header or a presigned URL (a browser's POST policy)."""
    claim = _Claim(form="query-v2", access_key_id=access_key_id, signature="", token=token)
    return _credential(claim, lookup, "s3", now)


def _credential(
    claim: _Claim, lookup: Callable[[str], Credential | None], style: Style, now: float
) -> Credential:
    cred = lookup(claim.access_key_id)
    if cred is None:
        if style == "s3":
            raise AuthError(
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
                403,
                AWSAccessKeyId=claim.access_key_id,
            )
        raise _invalid_token(style)
    if cred.session_token is None:
        if claim.token:
            raise _invalid_token(style)
        return cred
    if not claim.token or not same_signature(cred.session_token, claim.token):
        raise _invalid_token(style)
    if cred.expires_at is not None and now >= cred.expires_at:
        raise _expired_token(style)
    return cred


def _invalid_token(style: Style) -> AuthError:
    if style == "s3":
        return AuthError(
            "InvalidToken", "The provided token is malformed or otherwise invalid.", 400
        )
    return AuthError(
        "InvalidClientTokenId", "The security token included in the request is invalid.", 403
    )


def _expired_token(style: Style) -> AuthError:
    if style == "s3":
        return AuthError("ExpiredToken", "The provided token has expired.", 400)
    return AuthError("ExpiredToken", "The security token included in the request is expired", 403)


def _check_time(claim: _Claim, style: Style, now: float) -> None:
    if claim.form == "header":
        _check_skew(claim.amz_date, style, now)
        return
    if claim.form == "query-v4":
        signed_at = _epoch(claim.amz_date)
        if signed_at > now + MAX_SKEW_S:
            raise AuthError("AccessDenied", "Request is not yet valid", 403)
        expires_at = signed_at + claim.expires
    else:
        expires_at = claim.expires
    if now > expires_at:
        raise AuthError(
            "AccessDenied",
            "Request has expired",
            403,
            Expires=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires_at)),
            ServerTime=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        )


def _check_skew(amz_date: str, style: Style, now: float) -> None:
    signed_at = _epoch(amz_date)
    if abs(now - signed_at) <= MAX_SKEW_S:
        return
    if style == "s3":
        raise AuthError(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
            RequestTime=amz_date,
            ServerTime=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
            MaxAllowedSkewMilliseconds=str(MAX_SKEW_S * 1000),
        )
    stamp = time.strftime(_AMZ_DATE, time.gmtime(now))
    if signed_at < now:
        limit = time.strftime(_AMZ_DATE, time.gmtime(now - MAX_SKEW_S))
        message = f"Signature expired: {amz_date} is now earlier than {limit} ({stamp} - 15 min.)"
    else:
        limit = time.strftime(_AMZ_DATE, time.gmtime(now + MAX_SKEW_S))
        message = (
            f"Signature not yet current: {amz_date} is still later than {limit} ({stamp} + 15 min.)"
        )
    raise AuthError("SignatureDoesNotMatch", message, 403)


# --- the signatures ---------------------------------------------------------------------


class _SignedHeaders(dict[str, list[str]]):
    """The signed headers' values, read the way botocore's canonicalisation reads them. A
    plain dict: botocore's own HTTPHeaders (email.message) cost a third of the verification."""

    def get_all(self, name: str) -> list[str]:
        return self[name]


class _Verifier(SigV4Auth):  # type: ignore[misc]  # botocore ships no type information
    """botocore's signer, told which headers the client signed (with their values) and which
    payload hash."""

    def __init__(self, claim: _Claim, payload_hash: str, signed: _SignedHeaders) -> None:
        super().__init__(None, claim.service, claim.region)
        self._signed = signed
        self._payload_hash = payload_hash

    def headers_to_sign(self, request: AWSRequest) -> _SignedHeaders:
        return self._signed

    def payload(self, request: AWSRequest) -> str:
        return self._payload_hash


class _S3Verifier(_Verifier, S3SigV4Auth):  # type: ignore[misc]
    """S3 signs the path as sent; everyone else signs it encoded once more."""


def _verify_v4(
    req: HttpRequest, claim: _Claim, cred: Credential, style: Style, body: bytes | None
) -> SignatureInfo:
    payload_hash = _payload_hash(req, claim, style, body)
    signed = _signed_headers(req, claim, payload_hash, style)
    verifier = (_S3Verifier if style == "s3" else _Verifier)(claim, payload_hash, signed)
    areq = _aws_request(req, claim, payload_hash, style)
    canonical = verifier.canonical_request(areq)
    string_to_sign = verifier.string_to_sign(areq, canonical)
    key = signing_key(cred.secret_access_key, claim.date, claim.region, claim.service)
    if not same_signature(hmac_hex(key, string_to_sign), claim.signature):
        raise _mismatch(style, claim, string_to_sign, canonical)
    return SignatureInfo(
        form=claim.form,
        access_key_id=claim.access_key_id,
        region=claim.region,
        service=claim.service,
        payload_hash=payload_hash,
        amz_date=claim.amz_date,
        signature=claim.signature,
        signing_key=key,
    )


def _payload_hash(req: HttpRequest, claim: _Claim, style: Style, body: bytes | None) -> str:
    if style != "s3":
        return hashlib.sha256(body or b"").hexdigest()
    declared = req.header("x-amz-content-sha256")
    if declared is not None:
        return declared
    if claim.form == "header":
        raise AuthError(
            "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400
        )
    return UNSIGNED_PAYLOAD


def _header_value(req: HttpRequest, name: str, payload_hash: str, style: Style) -> list[str]:
    if name == "x-amz-content-sha256" and style != "s3":
        # Outside S3 the declared body hash must be the real one: substituting it makes a
        # false declaration fail the signature like any other tampering.
        return [payload_hash] if req.header(name) is not None else []
    values = req.header_all(name)
    if not values and name == "host" and req.host:
        return [req.host]
    return values


def _signed_headers(
    req: HttpRequest, claim: _Claim, payload_hash: str, style: Style
) -> _SignedHeaders:
    """The values of the headers the client says it signed (those it did not send left out,
    so that the signature fails)."""
    signed = _SignedHeaders()
    for name in claim.signed_headers:
        values = _header_value(req, name, payload_hash, style)
        if values:
            signed[name] = values
    return signed


def _aws_request(req: HttpRequest, claim: _Claim, payload_hash: str, style: Style) -> AWSRequest:
    """What botocore's canonicalisation reads besides the signed headers: method, path,
    query, timestamp, and the declared payload hash (which it prefers to `payload`)."""
    params = [(k, v) for k, v in _query_pairs(req.query_string) if k != "X-Amz-Signature"]
    areq = AWSRequest(method=req.method, url=f"{req.scheme}://{req.host}{req.raw_path}")
    areq.params = params
    declared = _header_value(req, "x-amz-content-sha256", payload_hash, style)
    if declared:
        areq.headers["x-amz-content-sha256"] = declared[0]
    areq.context["timestamp"] = claim.amz_date
    return areq


def _query_pairs(query_string: str) -> list[tuple[str, str]]:
    """Name/value pairs, percent-decoded only: SigV4 re-encodes each character as sent,
    so a literal `+` must stay a plus, not become a space."""
    pairs = []
    for item in query_string.split("&"):
        if item:
            key, _, value = item.partition("=")
            pairs.append((unquote(key), unquote(value)))
    return pairs


class _V2Verifier(HmacV1QueryAuth):  # type: ignore[misc]  # botocore ships no type information
    """botocore's SigV2 presigner, with the expiry the URL carries instead of now + N."""

    def __init__(self, cred: Credential, expires: int) -> None:
        super().__init__(Credentials(cred.access_key_id, cred.secret_access_key))
        self._expires_at = str(expires)

    def _get_date(self) -> str:
        return self._expires_at


def _verify_v2(
    req: HttpRequest,
    claim: _Claim,
    cred: Credential,
    style: Style,
    virtual_bucket: str | None,
) -> SignatureInfo:
    verifier = _V2Verifier(cred, claim.expires)
    split = urlsplit(f"{req.scheme}://{req.host}{req.raw_path}?{req.query_string}")
    auth_path = f"/{virtual_bucket}{req.raw_path}" if virtual_bucket else None
    string_to_sign = verifier.canonical_string(
        req.method, split, _v2_headers(req), auth_path=auth_path
    )
    if not same_signature(verifier.sign_string(string_to_sign), claim.signature):
        raise _mismatch(style, claim, string_to_sign, "")
    return SignatureInfo(
        form="query-v2",
        access_key_id=claim.access_key_id,
        region="us-east-1",
        service="s3",
        payload_hash=UNSIGNED_PAYLOAD,
        amz_date="",
        signature=claim.signature,
        signing_key=b"",
    )


def _v2_headers(req: HttpRequest) -> Any:
    """The headers SigV2 signs. A presigned URL carries x-amz-* (the session token among
    them) and possibly Content-Type/MD5 as query parameters; headers sent fill the rest."""
    headers = HTTPHeaders()
    from_query = {
        k.lower(): v
        for k, v in req.query
        if k.lower().startswith("x-amz-") or k.lower() in ("content-type", "content-md5")
    }
    for name, value in from_query.items():
        headers[name] = value
    for name, value in req.headers:
        lname = name.lower()
        wanted = lname.startswith("x-amz-") or lname in ("content-type", "content-md5")
        if wanted and lname not in from_query:
            headers[lname] = value
    return headers


# --- errors ------------------------------------------------------------------------------


def _malformed(style: Style, form: Form, detail: str) -> AuthError:
    if style != "s3":
        return AuthError("IncompleteSignature", detail, 400)
    if form == "header":
        return AuthError(
            "AuthorizationHeaderMalformed", f"The authorization header is malformed; {detail}", 400
        )
    return AuthError("AuthorizationQueryParametersError", detail, 400)


def _mismatch(style: Style, claim: _Claim, string_to_sign: str, canonical: str) -> AuthError:
    if style != "s3":
        return AuthError(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. "
            "Consult the service documentation for details.",
            403,
        )
    extra: dict[str, Any] = {"CanonicalRequest": canonical} if canonical else {}
    return AuthError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
        AWSAccessKeyId=claim.access_key_id,
        StringToSign=string_to_sign,
        SignatureProvided=claim.signature,
        **extra,
    )
