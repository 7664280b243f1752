"""Which S3 and runtime operation a request names, the way clients send them."""

from __future__ import annotations

import pytest

from sagelab.gateway.codec.rest_json import RestJsonCodec
from sagelab.gateway.codec.rest_xml import RestXmlCodec
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import HttpRequest
from sagelab.gateway.models import service_model

S3 = RestXmlCodec(service_model("s3"))
RUNTIME = RestJsonCodec(service_model("sagemaker-runtime"))
COPY = ("x-amz-copy-source", "src/key")
ATTRS = ("x-amz-object-attributes", "ETag")

S3_ROUTES = [
    ("GET", "/", "", (), "ListBuckets"),
    ("PUT", "/b", "", (), "CreateBucket"),
    ("PUT", "/b/", "", (), "CreateBucket"),
    ("HEAD", "/b", "", (), "HeadBucket"),
    ("DELETE", "/b", "", (), "DeleteBucket"),
    ("GET", "/b", "", (), "ListObjects"),
    ("GET", "/b", "prefix=a&delimiter=%2F", (), "ListObjects"),
    ("GET", "/b", "list-type=2&encoding-type=url", (), "ListObjectsV2"),
    ("GET", "/b", "versions", (), "ListObjectVersions"),
    ("GET", "/b", "uploads", (), "ListMultipartUploads"),
    ("GET", "/b", "location", (), "GetBucketLocation"),
    ("GET", "/b", "versioning", (), "GetBucketVersioning"),
    ("PUT", "/b", "versioning", (), "PutBucketVersioning"),
    ("GET", "/b", "tagging", (), "GetBucketTagging"),
    ("PUT", "/b", "tagging", (), "PutBucketTagging"),
    ("DELETE", "/b", "tagging", (), "DeleteBucketTagging"),
    ("GET", "/b", "policy", (), "GetBucketPolicy"),
    ("PUT", "/b", "policy", (), "PutBucketPolicy"),
    ("DELETE", "/b", "policy", (), "DeleteBucketPolicy"),
    ("GET", "/b", "cors", (), "GetBucketCors"),
    ("PUT", "/b", "cors", (), "PutBucketCors"),
    ("GET", "/b", "acl", (), "GetBucketAcl"),
    ("GET", "/b", "lifecycle", (), "GetBucketLifecycleConfiguration"),
    ("PUT", "/b", "lifecycle", (), "PutBucketLifecycleConfiguration"),
    ("GET", "/b", "notification", (), "GetBucketNotificationConfiguration"),
    ("GET", "/b", "encryption", (), "GetBucketEncryption"),
    ("GET", "/b", "analytics", (), "ListBucketAnalyticsConfigurations"),
    ("GET", "/b", "analytics&id=x", (), "GetBucketAnalyticsConfiguration"),
    ("POST", "/b", "delete", (), "DeleteObjects"),
    ("PUT", "/b/k", "", (), "PutObject"),
    ("PUT", "/b/k", "x-id=PutObject", (), "PutObject"),
    ("PUT", "/b/k", "", (COPY,), "CopyObject"),
    ("PUT", "/b/k", "partNumber=1&uploadId=u", (), "UploadPart"),
    ("PUT", "/b/k", "partNumber=1&uploadId=u", (COPY,), "UploadPartCopy"),
    ("GET", "/b/k", "", (), "GetObject"),
    ("GET", "/b/k", "x-id=GetObject", (), "GetObject"),
    ("GET", "/b/k", "partNumber=1", (), "GetObject"),
    ("HEAD", "/b/k", "", (), "HeadObject"),
    ("DELETE", "/b/k", "", (), "DeleteObject"),
    ("DELETE", "/b/k", "versionId=v", (), "DeleteObject"),
    ("POST", "/b/k", "uploads", (), "CreateMultipartUpload"),
    ("POST", "/b/k", "uploadId=u", (), "CompleteMultipartUpload"),
    ("DELETE", "/b/k", "uploadId=u", (), "AbortMultipartUpload"),
    ("GET", "/b/k", "uploadId=u", (), "ListParts"),
    ("GET", "/b/k", "max-parts=3&uploadId=u", (), "ListParts"),
    ("GET", "/b/k", "tagging", (), "GetObjectTagging"),
    ("PUT", "/b/k", "tagging", (), "PutObjectTagging"),
    ("DELETE", "/b/k", "tagging", (), "DeleteObjectTagging"),
    ("GET", "/b/k", "acl", (), "GetObjectAcl"),
    ("PUT", "/b/k", "acl", (), "PutObjectAcl"),
    ("GET", "/b/k", "attributes", (ATTRS,), "GetObjectAttributes"),
    ("GET", "/b/k", "attributes", (), "GetObjectAttributes"),  # validator reports the header
    ("POST", "/b/k", "restore", (), "RestoreObject"),
    ("POST", "/b/k", "select&select-type=2", (), "SelectObjectContent"),
]


@pytest.mark.parametrize(("method", "path", "query", "headers", "expected"), S3_ROUTES)
def test_s3_route(
    method: str, path: str, query: str, headers: tuple[tuple[str, str], ...], expected: str
) -> None:
    op, labels = S3.match_operation(HttpRequest(method, path, query, list(headers)))
    assert op.name == expected
    assert labels.get("Bucket", "b") == "b"


@pytest.mark.parametrize(
    ("raw_path", "key"),
    [
        ("/b/a//b", "a//b"),
        ("/b//lead", "/lead"),
        ("/b/../x", "../x"),
        ("/b/dir/", "dir/"),
        ("/b/caf%C3%A9/%E2%9C%93", "café/✓"),
        ("/b/a%252Fb", "a%2Fb"),  # decoded once only
        ("/b/a%2Fb", "a/b"),
        ("/b/sp%20ace+plus", "sp ace+plus"),
    ],
)
def test_s3_keys_keep_everything_after_the_bucket(raw_path: str, key: str) -> None:
    op, labels = S3.match_operation(HttpRequest("GET", raw_path, "", []))
    assert (op.name, labels) == ("GetObject", {"Bucket": "b", "Key": key})


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [("POST", "/b/k", ""), ("PATCH", "/b/k", ""), ("POST", "/", ""), ("POST", "/b", "")],
)
def test_s3_unknown_route_is_method_not_allowed(method: str, path: str, query: str) -> None:
    with pytest.raises(ServiceError) as caught:
        S3.match_operation(HttpRequest(method, path, query, []))
    assert (caught.value.code, caught.value.status) == ("MethodNotAllowed", 405)
    assert caught.value.fields["Method"] == method


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/endpoints/my-ep/invocations", "InvokeEndpoint"),
        ("/endpoints/my-ep/async-invocations", "InvokeEndpointAsync"),
        ("/endpoints/my-ep/invocations-response-stream", "InvokeEndpointWithResponseStream"),
    ],
)
def test_runtime_route(path: str, expected: str) -> None:
    op, labels = RUNTIME.match_operation(HttpRequest("POST", path, "", []))
    assert (op.name, labels) == (expected, {"EndpointName": "my-ep"})


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/endpoints/my-ep/invocations"),
        ("POST", "/endpoints/invocations"),
        ("POST", "/endpoints/a/b/invocations"),
        ("POST", "/endpoints//invocations"),
        ("POST", "/"),
    ],
)
def test_runtime_unknown_route(method: str, path: str) -> None:
    with pytest.raises(ServiceError) as caught:
        RUNTIME.match_operation(HttpRequest(method, path, "", []))
    assert (caught.value.code, caught.value.status) == ("UnknownOperationException", 404)
