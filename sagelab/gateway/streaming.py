"""S3 request bodies as the service reads them: aws-chunked framing removed, signatures and
hashes verified while the bytes stream through, never the whole body in memory.

aws-chunked (after HTTP's own de-chunking):

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    [<trailer name>:<value>\\r\\n ...][x-amz-trailer-signature:<sig>\\r\\n]\\r\\n

Chunk signatures chain from the request's seed signature; see SignatureInfo.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from sagelab.gateway.checksums import ALGORITHMS, ChecksumReader, Expected, header_name
from sagelab.gateway.errors import AuthError, ServiceError
from sagelab.gateway.http import BodyReader, HttpRequest
from sagelab.gateway.sigv4 import UNSIGNED_PAYLOAD, SignatureInfo, hmac_hex, same_signature

STREAMING_PREFIX = "STREAMING-"
SIGNED_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
SIGNED_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_BLOCK = 64 * 1024
_MAX_LINE = 4096
_MAX_TRAILERS = 32
_TRAILER_SIGNATURE = "x-amz-trailer-signature"


def incomplete_body() -> ServiceError:
    return ServiceError("IncompleteBody", "The request body terminated unexpectedly", 400)


def _bad_chunk(detail: str) -> ServiceError:
    return ServiceError("InvalidChunkSizeError", f"Invalid aws-chunked encoding: {detail}", 400)


def _bad_trailer() -> ServiceError:
    return ServiceError(
        "MalformedTrailerError",
        "The request contained trailing data that was not well-formed or did not conform "
        "to our published schema.",
        400,
    )


def _bad_signature() -> AuthError:
    return AuthError(
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        403,
    )


class _Source:
    """Buffered access to a BodyReader: framing lines, then raw data of known length."""

    def __init__(self, inner: BodyReader) -> None:
        self._inner = inner
        self._buf = bytearray()

    def line(self) -> bytes:
        """The next CRLF-terminated line, without its CRLF."""
        start = 0
        while True:
            end = self._buf.find(b"\r\n", start)
            if end >= 0:
                line = bytes(self._buf[:end])
                del self._buf[: end + 2]
                return line
            if len(self._buf) > _MAX_LINE:
                raise _bad_chunk("framing line too long")
            start = max(len(self._buf) - 1, 0)
            if not self._fill():
                raise incomplete_body()

    def data(self, n: int) -> bytes:
        """Up to `n` (> 0) bytes; fewer only when the buffer or the inner read ran short."""
        if not self._buf and not self._fill(n):
            raise incomplete_body()
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def _fill(self, n: int = _BLOCK) -> bool:
        chunk = self._inner.read(min(n, _BLOCK))
        self._buf += chunk
        return bool(chunk)


class AwsChunkedReader:
    """Decodes an aws-chunked body. With `signing`, every chunk signature is checked (and,
    for a -TRAILER payload, the trailer signature); without it, chunk extensions are ignored.
    `.trailers` (lower-case names) is complete once read() has returned b""."""

    def __init__(
        self,
        inner: BodyReader,
        *,
        signing: SignatureInfo | None = None,
        decoded_length: int | None = None,
    ) -> None:
        self._src = _Source(inner)
        self._signing = signing
        self._previous = signing.signature if signing else ""
        self._decoded_length = decoded_length
        self._remaining = 0  # data bytes left in the current chunk
        self._chunk_hash = hashlib.sha256()
        self._chunk_signature = ""
        self._done = False
        self.size = 0
        self.trailers: dict[str, str] = {}

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            return b"".join(iter(lambda: self.read(_BLOCK), b""))
        parts: list[bytes] = []
        wanted = n
        while wanted > 0 and not self._done:
            if self._remaining == 0:
                self._next_chunk()
                continue
            data = self._src.data(min(wanted, self._remaining))
            self._remaining -= len(data)
            self._chunk_hash.update(data)
            if self._remaining == 0:
                self._end_chunk()
            parts.append(data)
            wanted -= len(data)
        return b"".join(parts)

    def _next_chunk(self) -> None:
        header = self._src.line().decode("latin-1")
        size_text, _, extension = header.partition(";")
        size = _chunk_size(size_text)
        self._chunk_signature = _chunk_signature(extension)
        if self._signing is not None and not self._chunk_signature:
            raise _bad_signature()
        self._chunk_hash = hashlib.sha256()
        if size:
            self._remaining = size
            self.size += size
            return
        self._verify_chunk()
        self._read_trailers()
        self._check_length()
        self._done = True

    def _end_chunk(self) -> None:
        if self._src.line() != b"":
            raise _bad_chunk("chunk data longer than its declared size")
        self._verify_chunk()

    def _verify_chunk(self) -> None:
        if self._signing is None:
            return
        expected = self._sign(
            "AWS4-HMAC-SHA256-PAYLOAD", f"{_EMPTY_SHA256}\n{self._chunk_hash.hexdigest()}"
        )
        if not same_signature(expected, self._chunk_signature):
            raise _bad_signature()
        self._previous = self._chunk_signature

    def _sign(self, algorithm: str, tail: str) -> str:
        assert self._signing is not None
        sig = self._signing
        return hmac_hex(
            sig.signing_key, f"{algorithm}\n{sig.amz_date}\n{sig.scope}\n{self._previous}\n{tail}"
        )

    def _read_trailers(self) -> None:
        signature = None
        while (line := self._src.line()) != b"":
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep or len(self.trailers) >= _MAX_TRAILERS:
                raise _bad_trailer()
            if name.strip().lower() == _TRAILER_SIGNATURE:
                signature = value.strip()
            else:
                self.trailers[name.strip().lower()] = value.strip()
        if self._signing is not None and self._signing.payload_hash == SIGNED_PAYLOAD_TRAILER:
            self._verify_trailer(signature)

    def _verify_trailer(self, signature: str | None) -> None:
        canonical = "".join(f"{k}:{v}\n" for k, v in sorted(self.trailers.items()))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        expected = self._sign("AWS4-HMAC-SHA256-TRAILER", digest)
        if signature is None or not same_signature(expected, signature):
            raise _bad_signature()

    def _check_length(self) -> None:
        if self._decoded_length is not None and self._decoded_length != self.size:
            raise ServiceError(
                "IncompleteBody",
                "You did not provide the number of bytes specified by the "
                "x-amz-decoded-content-length HTTP header",
                400,
            )


def _chunk_size(text: str) -> int:
    text = text.strip()
    if not text or len(text) > 16 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise _bad_chunk(f"bad chunk size {text[:20]!r}")
    return int(text, 16)


def _chunk_signature(extension: str) -> str:
    name, _, value = extension.partition("=")
    return value.strip() if name.strip() == "chunk-signature" else ""


class _DigestVerifyingReader:
    """Passes a body through; at EOF its digest must equal `expected`, else `mismatch`."""

    def __init__(
        self, inner: BodyReader, hasher: Any, expected: bytes, mismatch: ServiceError
    ) -> None:
        self._inner = inner
        self._hash = hasher
        self._expected = expected
        self._mismatch = mismatch
        self._checked = False

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        if data:
            self._hash.update(data)
        elif n != 0 and not self._checked:
            self._checked = True
            if not hmac.compare_digest(self._hash.digest(), self._expected):
                raise self._mismatch
        return data


class Sha256VerifyingReader(_DigestVerifyingReader):
    """At EOF the body's SHA-256 must be `expected_hex`."""

    def __init__(self, inner: BodyReader, expected_hex: str) -> None:
        try:
            expected = bytes.fromhex(expected_hex)
        except ValueError:
            expected = b""
        mismatch = ServiceError(
            "XAmzContentSHA256Mismatch",
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            400,
        )
        super().__init__(inner, hashlib.sha256(), expected, mismatch)


class ContentMd5VerifyingReader(_DigestVerifyingReader):
    """At EOF the body's MD5 must equal the base64 `Content-MD5` value."""

    def __init__(self, inner: BodyReader, content_md5: str) -> None:
        try:
            expected = base64.b64decode(content_md5, validate=True)
        except (binascii.Error, ValueError):
            expected = b""
        if len(expected) != 16:
            raise ServiceError("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
        mismatch = ServiceError(
            "BadDigest", "The Content-MD5 you specified did not match what we received.", 400
        )
        super().__init__(inner, hashlib.md5(), expected, mismatch)


def decoded_body(req: HttpRequest, sig: SignatureInfo) -> ChecksumReader:
    """The reader the S3 service takes plain bytes from: aws-chunked framing removed, and
    the declared SHA-256, Content-MD5 and x-amz-checksum-* values (headers or trailers)
    verified as the last byte is read. Once read to the end it tells the size, the MD5
    (for the ETag) and the digests of every declared checksum algorithm."""
    payload = sig.payload_hash
    encodings = [e.strip().lower() for e in (req.header("content-encoding") or "").split(",")]
    reader: BodyReader = req.body_reader
    chunked: AwsChunkedReader | None = None
    # A body hashed whole (a hex SHA-256) is plain bytes even when Content-Encoding names
    # aws-chunked: S3 then only drops that coding from the stored Content-Encoding.
    framed = payload == UNSIGNED_PAYLOAD and "aws-chunked" in encodings
    if payload.startswith(STREAMING_PREFIX) or framed:
        chunked = AwsChunkedReader(
            reader,
            signing=_chunk_signing(payload, sig),
            decoded_length=_decoded_length(req),
        )
        reader = chunked
    elif payload != UNSIGNED_PAYLOAD:
        reader = Sha256VerifyingReader(reader, _hex_hash(payload))
    md5 = req.header("content-md5")
    if md5:
        reader = ContentMd5VerifyingReader(reader, md5)
    return ChecksumReader(reader, _declared_algorithms(req), _expected_checksums(req, chunked))


def _chunk_signing(payload: str, sig: SignatureInfo) -> SignatureInfo | None:
    if payload in (SIGNED_PAYLOAD, SIGNED_PAYLOAD_TRAILER):
        return sig
    if payload in (UNSIGNED_PAYLOAD_TRAILER, UNSIGNED_PAYLOAD):
        return None
    raise ServiceError(
        "InvalidArgument", f"x-amz-content-sha256 value {payload!r} is not supported.", 400
    )


def _decoded_length(req: HttpRequest) -> int | None:
    value = req.header("x-amz-decoded-content-length")
    if value is None:
        return None
    if not value.isdigit():
        raise ServiceError(
            "InvalidArgument", "x-amz-decoded-content-length must be a non-negative integer.", 400
        )
    return int(value)


def _hex_hash(payload: str) -> str:
    if len(payload) != 64 or any(c not in "0123456789abcdefABCDEF" for c in payload):
        raise ServiceError(
            "InvalidArgument",
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., "
            "or a valid sha256 value.",
            400,
        )
    return payload


def _declared_algorithms(req: HttpRequest) -> list[str]:
    """The algorithm the SDK says it used, computed even when its value is not sent (the
    service stores it, e.g. for a multipart upload created with ChecksumAlgorithm)."""
    names = (req.header("x-amz-sdk-checksum-algorithm"), req.header("x-amz-checksum-algorithm"))
    return [name.upper() for name in names if name]


def _expected_checksums(req: HttpRequest, chunked: AwsChunkedReader | None) -> dict[str, Expected]:
    """Every checksum the client declared, in a header or as an announced trailer."""
    expected: dict[str, Expected] = {}
    if req.method == "POST" and req.query_param("uploadId") is not None:
        # CompleteMultipartUpload: its checksum headers describe the assembled object,
        # not the XML body of this request.
        return expected
    announced = {t.strip().lower() for t in (req.header("x-amz-trailer") or "").split(",")}
    for alg in ALGORITHMS:
        name = header_name(alg)
        value = req.header(name)
        if value is not None:
            expected[alg] = value
        elif chunked is not None and name in announced:
            expected[alg] = _trailer_value(chunked, name)
    return expected


def _trailer_value(chunked: AwsChunkedReader, name: str) -> Callable[[], str | None]:
    return lambda: chunked.trailers.get(name)
