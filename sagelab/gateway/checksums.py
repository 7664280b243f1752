"""S3's flexible checksums, computed while a body streams through.

S3 answers checksums as base64 of the big-endian digest (`x-amz-checksum-crc32: AAAAAA==`);
the MD5 is always computed too because object and part ETags are its hex form.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from collections.abc import Callable, Mapping
from typing import Protocol

from awscrt import checksums as crt

from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import BodyReader

ALGORITHMS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")

Expected = str | Callable[[], str | None]


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A CRC behind hashlib's update/digest interface."""

    def __init__(self, step: Callable[[bytes, int], int], width: int) -> None:
        self._step = step
        self._width = width
        self._value = 0

    def update(self, data: bytes, /) -> None:
        self._value = self._step(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


_FACTORIES: dict[str, Callable[[], _Hasher]] = {
    "CRC32": lambda: _Crc(zlib.crc32, 4),
    "CRC32C": lambda: _Crc(crt.crc32c, 4),
    "CRC64NVME": lambda: _Crc(crt.crc64nvme, 8),
    "SHA1": hashlib.sha1,
    "SHA256": hashlib.sha256,
}
_DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "CRC64NVME": 8, "SHA1": 20, "SHA256": 32}


def header_name(algorithm: str) -> str:
    """The header (and aws-chunked trailer) carrying `algorithm`'s value."""
    return f"x-amz-checksum-{algorithm.lower()}"


def new_hasher(algorithm: str) -> _Hasher:
    """A fresh hasher for one of ALGORITHMS; anything else is S3's InvalidRequest."""
    factory = _FACTORIES.get(algorithm.upper())
    if factory is None:
        raise ServiceError(
            "InvalidRequest",
            "Checksum algorithm provided is unsupported. Please try again with any of the "
            f"valid types: [{', '.join(ALGORITHMS)}]",
            400,
        )
    return factory()


def b64_digest(algorithm: str, data: bytes) -> str:
    hasher = new_hasher(algorithm)
    hasher.update(data)
    return base64.b64encode(hasher.digest()).decode("ascii")


def _checked(algorithm: str, value: str) -> str:
    """`value` if it is well-formed base64 of the algorithm's digest size."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != _DIGEST_SIZES[algorithm]:
        raise ServiceError(
            "InvalidRequest", f"Value for {header_name(algorithm)} header is invalid.", 400
        )
    return value


class ChecksumReader:
    """Passes a body through, hashing it with `algorithms` as it goes (the blob store
    computes the MD5 that makes the ETag: hashing it here too would cost a pass).

    At EOF each expected value is compared with the computed one: a plain string is known
    up front (a header), a callable is asked at EOF (an aws-chunked trailer that arrives
    after the data). A callable answering None means the client sent no value.
    """

    def __init__(
        self,
        inner: BodyReader,
        algorithms: tuple[str, ...] | list[str] = (),
        expected: Mapping[str, Expected] | None = None,
    ) -> None:
        self._inner = inner
        self._expected = {alg.upper(): value for alg, value in (expected or {}).items()}
        names = dict.fromkeys([a.upper() for a in algorithms] + list(self._expected))
        self._hashers = {alg: new_hasher(alg) for alg in names}
        for alg, value in self._expected.items():
            if isinstance(value, str):
                _checked(alg, value)
        self.size = 0
        self._verified = False

    def read(self, n: int = -1) -> bytes:
        data = self._inner.read(n)
        if data:
            self.size += len(data)
            for hasher in self._hashers.values():
                hasher.update(data)
        elif n != 0 and not self._verified:
            self._verified = True
            self._verify()
        return data

    def digests(self) -> dict[str, str]:
        """Base64 digests so far, keyed by algorithm name (upper case)."""
        return {
            alg: base64.b64encode(hasher.digest()).decode("ascii")
            for alg, hasher in self._hashers.items()
        }

    def _verify(self) -> None:
        computed = self.digests()
        for alg, source in self._expected.items():
            value = source if isinstance(source, str) else source()
            if value is None:
                continue
            if _checked(alg, value) != computed[alg]:
                raise ServiceError(
                    "BadDigest",
                    f"The {alg} you specified did not match the calculated checksum.",
                    400,
                )
