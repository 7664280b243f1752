"""Presigned S3 URLs for the browser. The console never proxies object bytes: the browser
uploads and downloads straight to sagelab's S3 API with URLs signed for the session's own
temporary credentials, so S3's authorization of the signed-in principal applies as is."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from sagelab.gateway.sigv4 import Credential

EXPIRES = 3600  # the AWS console's download links last minutes; an upload may be slow


def object_url(endpoint: str, bucket: str, key: str) -> str:
    """The path-style address of an object (sagelab serves S3 path-style)."""
    return f"{endpoint}/{bucket}/{quote(key, safe='/~')}"


def presign(
    credential: Credential,
    region: str,
    method: str,
    target: tuple[str, str, str],
    query: dict[str, str] | None = None,
) -> str:
    """`method` on the object `target` = (endpoint, bucket, key), signed in the query string
    (X-Amz-Security-Token included) so that the browser needs no credentials of its own."""
    endpoint, bucket, key = target
    address = object_url(endpoint, bucket, key)
    if query:
        address += "?" + urlencode(query, quote_via=quote)
    request = AWSRequest(method=method, url=address)
    keys = Credentials(
        credential.access_key_id, credential.secret_access_key, credential.session_token
    )
    S3SigV4QueryAuth(keys, "s3", region, expires=EXPIRES).add_auth(request)
    return str(request.url)
