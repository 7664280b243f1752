"""Signatures made by botocore itself are accepted; every way of getting one wrong is refused
with the code AWS answers for that protocol."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.auth import HmacV1QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from gateway_wire import KEYS, ROOT, TEMP, make_client, wire

from sagelab.gateway import sigv4
from sagelab.gateway.errors import AuthError
from sagelab.gateway.http import BytesReader, HttpRequest
from sagelab.gateway.sigv4 import Credential, authenticate, signing_scope

CALLS = {
    "iam": ("iam", "list_users", "query", {}),
    "sts": ("sts", "get_caller_identity", "query", {}),
    "sagemaker": ("sagemaker", "list_training_jobs", "json", {"MaxResults": 5}),
    "runtime": (
        "sagemaker-runtime",
        "invoke_endpoint",
        "rest-json",
        {"EndpointName": "my-endpoint", "Body": b"1,2,3", "ContentType": "text/csv"},
    ),
    "s3-put": ("s3", "put_object", "s3", {"Bucket": "b", "Key": "dir/a b+c~é.txt", "Body": b"x"}),
    "s3-list": ("s3", "list_objects_v2", "s3", {"Bucket": "b", "Prefix": "a b+c/"}),
}


def _auth(req: HttpRequest, style: str, *, now: float | None = None, **kw: Any) -> Any:
    body = None if style == "s3" else req.read_body(1 << 20)
    return authenticate(
        req, KEYS.get, style=style, now=time.time() if now is None else now, body=body, **kw
    )


def _refused(req: HttpRequest, style: str, **kw: Any) -> AuthError:
    with pytest.raises(AuthError) as caught:
        _auth(req, style, **kw)
    return caught.value


def _call(name: str, **kw: Any) -> tuple[HttpRequest, str]:
    service, operation, style, params = CALLS[name]
    return wire(service, operation, **kw, **params), style


def _url_request(url: str, method: str = "GET") -> HttpRequest:
    parts = urlsplit(url)
    return HttpRequest(method, parts.path, parts.query, [("host", parts.netloc)], host=parts.netloc)


def _presigned(cred: Credential, version: str | None, **params: Any) -> HttpRequest:
    config = {"signature_version": version} if version else {}
    client = make_client("s3", cred, **config)
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k y+z/é", **params}, ExpiresIn=600
    )
    return _url_request(url)


# --- accepted -------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1:4566", "https://localhost:4566"])
@pytest.mark.parametrize("cred", [ROOT, TEMP], ids=["permanent", "temporary"])
@pytest.mark.parametrize("name", list(CALLS))
def test_header_signatures_from_boto3_are_accepted(
    name: str, cred: Credential, endpoint: str
) -> None:
    req, style = _call(name, cred=cred, endpoint=endpoint)
    got, info = _auth(req, style)
    assert got is cred
    assert info.form == "header"
    assert (info.service, info.region) == signing_scope(req)
    assert info.region == "eu-west-1"
    assert len(info.signing_key) == 32


def test_runtime_signs_as_sagemaker() -> None:
    req, _ = _call("runtime")
    assert signing_scope(req) == ("sagemaker", "eu-west-1")


def test_non_s3_payload_hash_is_the_body_hash() -> None:
    req, style = _call("sagemaker")
    _, info = _auth(req, style)
    assert info.payload_hash == hashlib.sha256(req.read_body(1 << 20)).hexdigest()


@pytest.mark.parametrize("version", [None, "s3v4"], ids=["sigv2", "sigv4"])
@pytest.mark.parametrize("cred", [ROOT, TEMP], ids=["permanent", "temporary"])
def test_presigned_urls_are_accepted(cred: Credential, version: str | None) -> None:
    req = _presigned(cred, version, ResponseContentType="text/plain")
    got, info = _auth(req, "s3")
    assert got is cred
    assert info.form == ("query-v4" if version else "query-v2")
    assert info.payload_hash == "UNSIGNED-PAYLOAD"
    assert signing_scope(req) == ("s3", "eu-west-1" if version else "us-east-1")


def test_sigv2_signs_sub_resources() -> None:
    request = AWSRequest("PUT", "http://127.0.0.1:4566/b/big.bin?partNumber=3&uploadId=u%2B1")
    HmacV1QueryAuth(Credentials(ROOT.access_key_id, ROOT.secret_access_key), 60).add_auth(request)
    req = _url_request(request.url, "PUT")
    _auth(req, "s3")
    tampered = req.query_string.replace("partNumber=3", "partNumber=4")
    assert _refused(dataclasses.replace(req, query_string=tampered), "s3").code == (
        "SignatureDoesNotMatch"
    )


def test_sigv2_virtual_host_signs_the_bucket_in_the_path() -> None:
    request = AWSRequest("GET", "http://b.localhost:4566/k")
    request.auth_path = "/b/k"
    HmacV1QueryAuth(Credentials(ROOT.access_key_id, ROOT.secret_access_key), 60).add_auth(request)
    req = _url_request(request.url)
    _auth(req, "s3", virtual_bucket="b")
    assert _refused(req, "s3").code == "SignatureDoesNotMatch"


def test_presigned_query_for_a_non_s3_service() -> None:
    request = AWSRequest(
        "GET", "http://127.0.0.1:4566/?Action=GetCallerIdentity&Version=2011-06-15"
    )
    creds = Credentials(TEMP.access_key_id, TEMP.secret_access_key, TEMP.session_token)
    SigV4QueryAuth(creds, "sts", "ap-south-1", expires=60).add_auth(request)
    req = _url_request(request.url)
    got, info = _auth(req, "query")
    assert (got, info.form, info.region) == (TEMP, "query-v4", "ap-south-1")


# --- refused --------------------------------------------------------------------------

UNKNOWN_KEY = Credential("AKIAUNKNOWNUNKNOWN01", "whatever", ROOT.principal)
WRONG_SECRET = dataclasses.replace(ROOT, secret_access_key="not-the-secret")


BAD_TOKEN = ("InvalidClientTokenId", "The security token included in the request is invalid.")
NO_SUCH_KEY = (
    "InvalidAccessKeyId",
    "The AWS Access Key Id you provided does not exist in our records.",
)


@pytest.mark.parametrize(
    ("name", "answer"),
    [("iam", BAD_TOKEN), ("sagemaker", BAD_TOKEN), ("runtime", BAD_TOKEN), ("s3-put", NO_SUCH_KEY)],
)
def test_unknown_access_key(name: str, answer: tuple[str, str]) -> None:
    req, style = _call(name, cred=UNKNOWN_KEY)
    err = _refused(req, style)
    assert (err.code, err.status, err.message) == (answer[0], 403, answer[1])


@pytest.mark.parametrize("name", ["iam", "sts", "sagemaker", "runtime", "s3-put", "s3-list"])
def test_wrong_secret(name: str) -> None:
    req, style = _call(name, cred=WRONG_SECRET)
    err = _refused(req, style)
    assert (err.code, err.status) == ("SignatureDoesNotMatch", 403)
    if style == "s3":
        assert err.message.endswith("Check your key and signing method.")
        assert err.fields["AWSAccessKeyId"] == ROOT.access_key_id
        assert err.fields["StringToSign"].startswith("AWS4-HMAC-SHA256\n")


def _tamper_path(req: HttpRequest) -> HttpRequest:
    return dataclasses.replace(req, raw_path=req.raw_path + "x")


def _tamper_query(req: HttpRequest) -> HttpRequest:
    return dataclasses.replace(req, query_string=req.query_string + "&extra=1")


def _tamper_header(req: HttpRequest) -> HttpRequest:
    signed = {"x-amz-target", "x-amz-content-sha256", "content-type"}
    headers = [(k, v + "x" if k in signed else v) for k, v in req.headers]
    return dataclasses.replace(req, headers=headers)


def _tamper_body(req: HttpRequest) -> HttpRequest:
    req.read_body(1 << 20)
    return dataclasses.replace(req, _body=req.read_body(1 << 20) + b" ")


TAMPERS = [_tamper_path, _tamper_query, _tamper_header, _tamper_body]


@pytest.mark.parametrize(
    ("name", "tamper"),
    # S3 bodies are not hashed here but while they stream (test_streaming)
    [(n, t) for n in ("iam", "sagemaker", "runtime") for t in TAMPERS]
    + [("s3-put", t) for t in TAMPERS if t is not _tamper_body],
)
def test_tampered_requests_are_refused(
    name: str, tamper: Callable[[HttpRequest], HttpRequest]
) -> None:
    req, style = _call(name)
    assert _refused(tamper(req), style).code == "SignatureDoesNotMatch"


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(sigv4.hmac, "compare_digest", spy)
    req, style = _call("sagemaker")
    _auth(req, style)
    signature = req.header("authorization").rsplit("Signature=", 1)[1]  # type: ignore[union-attr]
    assert (signature.encode(), signature.encode()) in calls


@pytest.mark.parametrize("offset", [-16 * 60, 16 * 60])
def test_clock_skew_on_header_signatures(offset: int) -> None:
    req, _ = _call("sagemaker")
    err = _refused(req, "json", now=time.time() + offset)
    assert (err.code, err.status) == ("SignatureDoesNotMatch", 403)
    expected = "Signature expired" if offset > 0 else "Signature not yet current"
    assert err.message.startswith(expected)
    req, _ = _call("s3-put")
    assert _refused(req, "s3", now=time.time() + offset).code == "RequestTimeTooSkewed"
    _auth(req, "s3", now=time.time() + offset / 2)


@pytest.mark.parametrize("version", [None, "s3v4"], ids=["sigv2", "sigv4"])
def test_presigned_urls_expire(version: str | None) -> None:
    req = _presigned(ROOT, version)
    _auth(req, "s3", now=time.time() + 590)
    err = _refused(req, "s3", now=time.time() + 610)
    assert (err.code, err.status, err.message) == ("AccessDenied", 403, "Request has expired")


@pytest.mark.parametrize("expires", [0, 604801])
def test_presigned_expiry_must_be_within_a_week(expires: int) -> None:
    request = AWSRequest("GET", "http://127.0.0.1:4566/b/k")
    creds = Credentials(ROOT.access_key_id, ROOT.secret_access_key)
    sigv4_query = SigV4QueryAuth(creds, "s3", "us-east-1", expires=expires)
    sigv4_query.add_auth(request)
    err = _refused(_url_request(request.url), "s3")
    assert (err.code, err.status) == ("AuthorizationQueryParametersError", 400)


def _without(req: HttpRequest, name: str) -> HttpRequest:
    return dataclasses.replace(req, headers=[(k, v) for k, v in req.headers if k != name])


@pytest.mark.parametrize(
    ("name", "code"), [("iam", "InvalidClientTokenId"), ("s3-put", "InvalidToken")]
)
def test_temporary_keys_need_their_session_token(name: str, code: str) -> None:
    req, style = _call(name, cred=TEMP)
    assert _refused(_without(req, "x-amz-security-token"), style).code == code
    forged = dataclasses.replace(TEMP, session_token="another-token")
    req, style = _call(name, cred=forged)
    assert _refused(req, style).code == code


def test_presigned_url_without_its_token_is_refused() -> None:
    for version in (None, "s3v4"):
        req = _presigned(TEMP, version)
        pairs = req.query_string.split("&")
        query = "&".join(p for p in pairs if "security-token" not in p.lower())
        assert _refused(dataclasses.replace(req, query_string=query), "s3").code == "InvalidToken"


def test_a_token_with_a_permanent_key_is_refused() -> None:
    with_token = dataclasses.replace(ROOT, session_token="stray")
    req, style = _call("sts", cred=with_token)
    assert _refused(req, style).code == "InvalidClientTokenId"


def test_expired_temporary_credentials() -> None:
    req, style = _call("sagemaker", cred=TEMP)
    assert TEMP.expires_at is not None
    err = _refused(req, style, now=TEMP.expires_at + 1)
    # the request itself is now skewed too; the token expiry is what AWS reports first
    assert err.code == "ExpiredToken"


@pytest.mark.parametrize(
    ("style", "code", "message"),
    [
        ("query", "MissingAuthenticationToken", "Missing Authentication Token"),
        ("json", "MissingAuthenticationToken", "Missing Authentication Token"),
        ("s3", "AccessDenied", "Access Denied"),
    ],
)
def test_unsigned_requests(style: str, code: str, message: str) -> None:
    req = _url_request("http://127.0.0.1:4566/b/k")
    assert signing_scope(req) is None
    err = _refused(req, style)
    assert (err.code, err.status, err.message) == (code, 403, message)


@pytest.mark.parametrize(
    "authorization",
    [
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKID/2024/us-east-1/s3, SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/s3/aws4_request, Signature=abc",
        "Bearer abc",
    ],
)
@pytest.mark.parametrize(
    ("style", "code"),
    [
        ("query", "IncompleteSignature"),
        ("json", "IncompleteSignature"),
        ("s3", "AuthorizationHeaderMalformed"),
    ],
)
def test_malformed_authorization_header(authorization: str, style: str, code: str) -> None:
    req = _url_request("http://127.0.0.1:4566/")
    req.headers += [("authorization", authorization), ("x-amz-date", "20240101T000000Z")]
    assert signing_scope(req) is not None
    err = _refused(req, style, now=1704067200.0)
    assert (err.code, err.status) == (code, 400)


def test_any_region_in_the_scope_is_accepted() -> None:
    request = AWSRequest("POST", "http://127.0.0.1:4566/", data=b"{}")
    request.headers["X-Amz-Target"] = "SageMaker.ListDomains"
    creds = Credentials(ROOT.access_key_id, ROOT.secret_access_key)
    SigV4Auth(creds, "sagemaker", "mars-north-9").add_auth(request)
    headers = [(k.lower(), v) for k, v in request.headers.items()]
    req = HttpRequest(
        "POST",
        "/",
        "",
        [*headers, ("host", "127.0.0.1:4566")],
        host="127.0.0.1:4566",
        body_reader=BytesReader(b"{}"),
    )
    assert _auth(req, "json")[1].region == "mars-north-9"


def test_signing_scope_reads_header_and_query_forms() -> None:
    req, _ = _call("sts")
    assert signing_scope(req) == ("sts", "eu-west-1")
    assert signing_scope(_presigned(ROOT, "s3v4")) == ("s3", "eu-west-1")
    assert signing_scope(_presigned(ROOT, None)) == ("s3", "us-east-1")
    bad = _url_request("http://127.0.0.1:4566/?X-Amz-Credential=garbage")
    assert signing_scope(bad) == ("", "")
