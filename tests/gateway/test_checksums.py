"""Checksums computed while streaming agree with botocore's, and mismatches are BadDigest."""

from __future__ import annotations

import pytest
from botocore.httpchecksum import (
    Crc32Checksum,
    CrtCrc32cChecksum,
    CrtCrc64NvmeChecksum,
    Sha1Checksum,
    Sha256Checksum,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from sagelab.gateway.checksums import ALGORITHMS, ChecksumReader, b64_digest, header_name
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import BytesReader

BOTOCORE = {
    "CRC32": Crc32Checksum,
    "CRC32C": CrtCrc32cChecksum,
    "CRC64NVME": CrtCrc64NvmeChecksum,
    "SHA1": Sha1Checksum,
    "SHA256": Sha256Checksum,
}


def _botocore_digest(algorithm: str, data: bytes) -> str:
    checksum = BOTOCORE[algorithm]()
    checksum.update(data)
    return str(checksum.b64digest())


def _drain(reader: ChecksumReader, size: int = 7) -> bytes:
    return b"".join(iter(lambda: reader.read(size), b""))


@settings(max_examples=50, deadline=None)
@given(data=st.binary(max_size=5000), piece=st.integers(1, 600))
def test_digests_match_botocore_whatever_the_read_sizes(data: bytes, piece: int) -> None:
    reader = ChecksumReader(BytesReader(data), list(ALGORITHMS))
    assert _drain(reader, piece) == data
    assert reader.digests() == {alg: _botocore_digest(alg, data) for alg in ALGORITHMS}
    assert reader.size == len(data)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_expected_values_are_verified_at_eof(algorithm: str) -> None:
    data = b"hello world" * 100
    good = b64_digest(algorithm, data)
    assert _drain(ChecksumReader(BytesReader(data), expected={algorithm: good})) == data
    wrong = b64_digest(algorithm, data + b"!")
    reader = ChecksumReader(BytesReader(data), expected={algorithm.lower(): wrong})
    with pytest.raises(ServiceError) as caught:
        _drain(reader)
    err = caught.value
    assert (err.code, err.status) == ("BadDigest", 400)
    assert err.message == f"The {algorithm} you specified did not match the calculated checksum."


def test_late_values_are_asked_for_at_eof() -> None:
    data = b"abc" * 1000
    trailers: dict[str, str] = {}
    reader = ChecksumReader(BytesReader(data), expected={"CRC32": lambda: trailers.get("crc")})
    reader.read(10)
    trailers["crc"] = b64_digest("CRC32", b"other")
    with pytest.raises(ServiceError, match="CRC32 you specified"):
        _drain(reader)


def test_a_late_value_never_sent_is_not_checked() -> None:
    reader = ChecksumReader(BytesReader(b"data"), expected={"SHA256": lambda: None})
    assert _drain(reader) == b"data"
    assert reader.digests()["SHA256"] == b64_digest("SHA256", b"data")


@pytest.mark.parametrize("value", ["not base64!", "AAAA", b64_digest("SHA1", b"")])
def test_malformed_expected_values_are_refused_up_front(value: str) -> None:
    with pytest.raises(ServiceError) as caught:
        ChecksumReader(BytesReader(b""), expected={"CRC32": value})
    assert (caught.value.code, caught.value.status) == ("InvalidRequest", 400)
    assert header_name("CRC32") in caught.value.message


def test_unknown_algorithms_are_refused() -> None:
    with pytest.raises(ServiceError) as caught:
        ChecksumReader(BytesReader(b""), ["MD4"])
    assert caught.value.code == "InvalidRequest"
