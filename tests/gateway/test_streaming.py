"""S3 bodies: aws-chunked decoding (signed and unsigned, with trailers), body hashes and
checksums verified at the last byte, garbage refused with a 400, memory bounded."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import time
import zlib
from collections.abc import Iterator

import pytest
from gateway_wire import KEYS, wire
from hypothesis import given, settings
from hypothesis import strategies as st

from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import BytesReader, HttpRequest, PullReader
from sagelab.gateway.sigv4 import SignatureInfo, authenticate, signing_key
from sagelab.gateway.streaming import AwsChunkedReader, decoded_body

HTTPS = "https://localhost:4566"
EMPTY = hashlib.sha256(b"").hexdigest()


def _crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _unsigned(chunks: list[bytes], trailers: dict[str, str] | None = None) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks if c)
    lines = "".join(f"{k}:{v}\r\n" for k, v in (trailers or {}).items())
    return body + b"0\r\n" + lines.encode() + b"\r\n"


def _drain(reader: object, size: int = 4096) -> bytes:
    return b"".join(iter(lambda: reader.read(size), b""))  # type: ignore[attr-defined]


def _s3_put(body: bytes = b"hello world", endpoint: str = HTTPS, **params: object) -> HttpRequest:
    return wire("s3", "put_object", endpoint=endpoint, Bucket="b", Key="k", Body=body, **params)


def _decode(req: HttpRequest) -> bytes:
    _, info = authenticate(req, KEYS.get, style="s3", now=time.time(), body=None)
    reader = decoded_body(req, info)
    data = _drain(reader)
    return data


def _with_body(req: HttpRequest, body: bytes) -> HttpRequest:
    return dataclasses.replace(req, body_reader=BytesReader(body))


# --- unsigned aws-chunked ----------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(st.binary(min_size=1, max_size=3000), max_size=8),
    read_size=st.integers(1, 5000),
)
def test_round_trip_with_any_chunking(chunks: list[bytes], read_size: int) -> None:
    data = b"".join(chunks)
    body = _unsigned(chunks, {"x-amz-checksum-crc32": _crc32_b64(data)})
    reader = AwsChunkedReader(BytesReader(body), decoded_length=len(data))
    assert _drain(reader, read_size) == data
    assert reader.trailers == {"x-amz-checksum-crc32": _crc32_b64(data)}


@pytest.mark.parametrize("algorithm", [None, "CRC32", "CRC32C", "SHA256", "CRC64NVME"])
def test_boto3_https_upload_with_unsigned_trailer(algorithm: str | None) -> None:
    data = bytes(range(256)) * 5000  # more than one of botocore's 1 MiB chunks
    params = {"ChecksumAlgorithm": algorithm} if algorithm else {}
    req = _s3_put(data, **params)
    assert req.header("x-amz-content-sha256") == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    _, info = authenticate(req, KEYS.get, style="s3", now=time.time(), body=None)
    reader = decoded_body(req, info)
    assert _drain(reader, 100_000) == data
    assert list(reader.digests()) == [algorithm or "CRC32"]


def test_bad_trailer_checksum_is_bad_digest() -> None:
    req = _s3_put(b"hello world")
    body = req.body_reader.read()
    forged = body.replace(_crc32_b64(b"hello world").encode(), _crc32_b64(b"hello").encode())
    assert forged != body
    with pytest.raises(ServiceError) as caught:
        _decode(_with_body(req, forged))
    assert (caught.value.code, caught.value.status) == ("BadDigest", 400)


def test_http_upload_checks_the_declared_sha256_and_crc32() -> None:
    req = _s3_put(b"hello world", endpoint="http://127.0.0.1:4566")
    assert _decode(req) == b"hello world"
    with pytest.raises(ServiceError) as caught:
        _decode(_with_body(req, b"hello World"))
    assert (caught.value.code, caught.value.status) == ("XAmzContentSHA256Mismatch", 400)


def test_content_md5_mismatch_is_bad_digest() -> None:
    md5 = base64.b64encode(hashlib.md5(b"hello world").digest()).decode()
    config = {"request_checksum_calculation": "when_required"}
    req = wire(
        "s3", "put_object", endpoint=HTTPS, config=config,
        Bucket="b", Key="k", Body=b"hello world", ContentMD5=md5,
    )  # fmt: skip
    assert _decode(req) == b"hello world"
    with pytest.raises(ServiceError) as caught:
        _decode(_with_body(req, b"hello World"))
    assert caught.value.code in ("BadDigest", "XAmzContentSHA256Mismatch")


def test_complete_multipart_checksum_headers_describe_the_object_not_the_body() -> None:
    req = wire(
        "s3",
        "complete_multipart_upload",
        Bucket="b",
        Key="k",
        UploadId="u",
        ChecksumCRC32=_crc32_b64(b"the whole object"),
        MultipartUpload={"Parts": [{"ETag": '"e"', "PartNumber": 1}]},
    )
    assert req.header("x-amz-checksum-crc32")
    assert _decode(req).startswith(b"<CompleteMultipartUpload")


def test_every_truncation_is_a_400() -> None:
    data = b"0123456789" * 10
    body = _unsigned([data[:33], data[33:]], {"x-amz-checksum-crc32": _crc32_b64(data)})
    for cut in range(len(body) - 2):
        reader = AwsChunkedReader(BytesReader(body[:cut]), decoded_length=len(data))
        with pytest.raises(ServiceError) as caught:
            _drain(reader, 17)
        assert caught.value.status == 400, cut


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"zz\r\nab\r\n0\r\n\r\n", "InvalidChunkSizeError"),
        (b"2\r\nabc\r\n0\r\n\r\n", "InvalidChunkSizeError"),
        (b"2\r\nab\r\n0\r\nno-colon\r\n\r\n", "MalformedTrailerError"),
        (b"f" * 10_000, "InvalidChunkSizeError"),
        (b"3\r\nab", "IncompleteBody"),
    ],
)
def test_garbled_framing(body: bytes, code: str) -> None:
    with pytest.raises(ServiceError) as caught:
        _drain(AwsChunkedReader(BytesReader(body)))
    assert (caught.value.code, caught.value.status) == (code, 400)


def test_decoded_length_must_match() -> None:
    body = _unsigned([b"abc"])
    with pytest.raises(ServiceError) as caught:
        _drain(AwsChunkedReader(BytesReader(body), decoded_length=4))
    assert (caught.value.code, caught.value.status) == ("IncompleteBody", 400)


# --- signed chunks (built here from the SigV4 streaming specification) --------------------

SEED = SignatureInfo(
    form="header",
    access_key_id="AKIAIOSFODNN7EXAMPLE",
    region="us-east-1",
    service="s3",
    payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    amz_date="20130524T000000Z",
    signature="4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
    signing_key=signing_key(
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3"
    ),
)


def _hmac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _signed(chunks: list[bytes], trailers: dict[str, str] | None = None) -> bytes:
    scope = "20130524/us-east-1/s3/aws4_request"
    previous, out = SEED.signature, []
    for chunk in [*chunks, b""]:
        previous = _hmac(
            SEED.signing_key,
            f"AWS4-HMAC-SHA256-PAYLOAD\n{SEED.amz_date}\n{scope}\n{previous}\n{EMPTY}\n"
            + hashlib.sha256(chunk).hexdigest(),
        )
        out.append(b"%x;chunk-signature=%s\r\n%s" % (len(chunk), previous.encode(), chunk))
        out.append(b"\r\n" if chunk else b"")
    if trailers is not None:
        canonical = "".join(f"{k}:{v}\n" for k, v in sorted(trailers.items()))
        signature = _hmac(
            SEED.signing_key,
            f"AWS4-HMAC-SHA256-TRAILER\n{SEED.amz_date}\n{scope}\n{previous}\n"
            + hashlib.sha256(canonical.encode()).hexdigest(),
        )
        out += [f"{k}:{v}\r\n".encode() for k, v in trailers.items()]
        out.append(f"x-amz-trailer-signature:{signature}\r\n".encode())
    return b"".join(out) + b"\r\n"


def test_signed_chunks_match_the_aws_documentation_example() -> None:
    # The PUT Object example of "Signature Calculations for the Authorization Header:
    # Transferring Payload in Multiple Chunks" (64 KiB + 1 KiB of 'a').
    body = _signed([b"a" * 65536, b"a" * 1024])
    assert b"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648" in body
    final = b"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
    assert body.endswith(b"0;chunk-signature=" + final + b"\r\n\r\n")
    reader = AwsChunkedReader(BytesReader(body), signing=SEED, decoded_length=66560)
    assert _drain(reader, 5000) == b"a" * 66560


@settings(max_examples=30, deadline=None)
@given(chunks=st.lists(st.binary(min_size=1, max_size=2000), max_size=5), at=st.integers(0))
def test_any_tampered_signed_chunk_is_refused(chunks: list[bytes], at: int) -> None:
    body = _signed(chunks)
    assert _drain(AwsChunkedReader(BytesReader(body), signing=SEED)) == b"".join(chunks)
    data_positions = [i for i, c in enumerate(chunks) if c]
    if not data_positions:
        return
    which = data_positions[at % len(data_positions)]
    forged = list(chunks)
    forged[which] = bytes([forged[which][0] ^ 1]) + forged[which][1:]
    tampered = _signed(chunks).replace(_signed_piece(chunks, which), _signed_piece(forged, which))
    with pytest.raises(ServiceError) as caught:
        _drain(AwsChunkedReader(BytesReader(tampered), signing=SEED))
    assert (caught.value.code, caught.value.status) == ("SignatureDoesNotMatch", 403)


def _signed_piece(chunks: list[bytes], which: int) -> bytes:
    """The data of chunk `which` together with the CRLF that ends it."""
    return b"\r\n" + chunks[which] + b"\r\n"


def test_signed_trailer() -> None:
    data = b"payload " * 1000
    trailers = {"x-amz-checksum-crc32": _crc32_b64(data)}
    info = dataclasses.replace(SEED, payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
    body = _signed([data[:3000], data[3000:]], trailers)
    reader = AwsChunkedReader(BytesReader(body), signing=info)
    assert _drain(reader) == data
    assert reader.trailers == trailers
    forged = body.replace(trailers["x-amz-checksum-crc32"].encode(), _crc32_b64(b"x").encode())
    with pytest.raises(ServiceError) as caught:
        _drain(AwsChunkedReader(BytesReader(forged), signing=info))
    assert caught.value.code == "SignatureDoesNotMatch"


def test_unsigned_chunks_where_signatures_are_required() -> None:
    with pytest.raises(ServiceError) as caught:
        _drain(AwsChunkedReader(BytesReader(_unsigned([b"abc"])), signing=SEED))
    assert caught.value.code == "SignatureDoesNotMatch"


# --- bounded memory ------------------------------------------------------------------------


class _Meter:
    """A generator-backed body that records how far the decoder ever reads ahead."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.produced = 0
        self._reader = PullReader(lambda: next(pieces, b""))

    def read(self, n: int = -1) -> bytes:
        assert 0 < n <= 1 << 20, "the decoder must never ask for everything"
        data = self._reader.read(n)
        self.produced += len(data)
        return data


def _fifty_megabytes(chunk: bytes, count: int) -> Iterator[bytes]:
    for _ in range(count):
        yield b"%x\r\n" % len(chunk)
        yield chunk
        yield b"\r\n"
    yield b"0\r\nx-amz-checksum-crc32:" + _crc32_b64(chunk * count).encode() + b"\r\n\r\n"


def test_fifty_megabytes_stream_through_in_bounded_memory() -> None:
    chunk, count = bytes(range(256)) * 4096, 50  # 1 MiB chunks
    meter = _Meter(_fifty_megabytes(chunk, count))
    req = HttpRequest(
        "PUT", "/b/k", "",
        [
            ("content-encoding", "aws-chunked"),
            ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ("x-amz-trailer", "x-amz-checksum-crc32"),
            ("x-amz-decoded-content-length", str(len(chunk) * count)),
        ],
        body_reader=meter,
    )  # fmt: skip
    info = dataclasses.replace(SEED, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    reader = decoded_body(req, info)
    consumed = 0
    while piece := reader.read(256 * 1024):
        consumed += len(piece)
        assert meter.produced - consumed < 256 * 1024, "read ahead of the consumer"
    assert consumed == len(chunk) * count
    assert reader.size == len(chunk) * count
