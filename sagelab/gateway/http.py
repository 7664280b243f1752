"""The gateway's view of one HTTP exchange, independent of ASGI.

The pipeline runs in a worker thread, so the request body is a blocking reader that pulls
ASGI messages on demand: a 5 GiB upload flows through without being held in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, unquote

from sagelab.gateway.errors import ServiceError


class BodyReader(Protocol):
    def read(self, n: int = -1) -> bytes: ...


class BytesReader:
    """A BodyReader over bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n is None or n < 0 else self._pos + n
        chunk = self._data[self._pos : end]
        self._pos += len(chunk)
        return chunk


class PullReader:
    """Reads a body by calling `pull()` for the next chunk (b"" at the end)."""

    def __init__(self, pull: Callable[[], bytes]) -> None:
        self._pull = pull
        self._buf = bytearray()
        self._done = False

    def read(self, n: int = -1) -> bytes:
        while not self._done and (n is None or n < 0 or len(self._buf) < n):
            chunk = self._pull()
            if not chunk:
                self._done = True
                break
            self._buf += chunk
            if n is not None and n >= 0 and len(self._buf) >= n:
                break
        if n is None or n < 0 or n >= len(self._buf):
            out = bytes(self._buf)
            self._buf.clear()
            return out
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out


class ClientDisconnected(Exception):
    """The client went away mid-request: nothing to answer."""


class BodyTooLarge(ServiceError):
    code = "RequestEntityTooLarge"
    status = 413


@dataclass
class HttpRequest:
    method: str
    raw_path: str
    query_string: str
    headers: list[tuple[str, str]]
    client_host: str = "127.0.0.1"
    scheme: str = "http"
    host: str = ""
    body_reader: BodyReader = field(default_factory=lambda: BytesReader(b""))
    _body: bytes | None = None
    # Lower-cased name -> values, built on the first look-up of `headers` (a request's
    # headers are looked up a score of times on the way through the gateway); replacing
    # `headers` re-indexes them (nothing edits them in place).
    _index: tuple[list[tuple[str, str]], dict[str, list[str]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _query: tuple[str, list[tuple[str, str]]] | None = field(  # query_string, parsed
        default=None, init=False, repr=False, compare=False
    )

    def _by_name(self) -> dict[str, list[str]]:
        if self._index is None or self._index[0] is not self.headers:
            index: dict[str, list[str]] = {}
            for key, value in self.headers:
                index.setdefault(key, []).append(value)
            self._index = (self.headers, index)
        return self._index[1]

    @property
    def path(self) -> str:
        return unquote(self.raw_path)

    def header(self, name: str, default: str | None = None) -> str | None:
        values = self._by_name().get(name.lower())
        return values[0] if values else default

    def header_all(self, name: str) -> list[str]:
        return list(self._by_name().get(name.lower(), ()))

    @property
    def query(self) -> list[tuple[str, str]]:
        if self._query is None or self._query[0] != self.query_string:
            self._query = (self.query_string, parse_qsl(self.query_string, keep_blank_values=True))
        return list(self._query[1])

    def query_param(self, name: str) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return None

    def read_body(self, limit: int) -> bytes:
        """The whole body, read once and kept; larger than `limit` bytes is refused."""
        if self._body is None:
            parts: list[bytes] = []
            size = 0
            while True:
                chunk = self.body_reader.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(message=f"The request body exceeds {limit} bytes.")
                parts.append(chunk)
            self._body = b"".join(parts)
            self.body_reader = BytesReader(self._body)
        return self._body


@dataclass
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""

    def set_header(self, name: str, value: str) -> None:
        lname = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != lname]
        self.headers.append((name, value))

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def iter_body(self) -> Iterator[bytes]:
        if isinstance(self.body, bytes | bytearray):
            yield bytes(self.body)
        else:
            yield from self.body
