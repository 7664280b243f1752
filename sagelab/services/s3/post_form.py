"""The body of a browser's POST object upload (multipart/form-data), read as it streams in:
first the fields before the file, then the file's bytes a `read` at a time. Neither is held
whole: S3 caps the fields before the file at 20 KB, and the file goes straight to the blob
store. Fields after the file are ignored, as S3 ignores them.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from sagelab.gateway.errors import ServiceError
from sagelab.gateway.http import HttpRequest
from sagelab.gateway.streaming import incomplete_body
from sagelab.services.s3.errors import InvalidArgument

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

FORM_TYPE = "multipart/form-data"
# S3 refuses more than this many bytes of fields before the file.
PRE_DATA_MAX = 20 * 1024
# Body bytes fed to the parser per pull: the file's bytes are handed on in reads this size.
_PULL = 256 * 1024


def is_form_upload(req: HttpRequest) -> bool:
    """A POST of a form to a bucket: `POST /<bucket>` with a multipart/form-data body."""
    path = req.raw_path.strip("/")
    ctype = (req.header("content-type") or "").lower()
    return req.method == "POST" and bool(path) and "/" not in path and ctype.startswith(FORM_TYPE)


def malformed() -> ServiceError:
    return ServiceError(
        "MalformedPOSTRequest",
        "The body of your POST request is not well-formed multipart/form-data.",
        400,
    )


def _boundary(content_type: str | None) -> bytes:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        raise malformed()
    return boundary


class FormUpload:
    """`fields` (names in lower case, values as sent) once `read_fields` returned; then the
    file part's bytes through `read`, a `BodyReader`."""

    def __init__(self, req: HttpRequest) -> None:
        self._body = req.body_reader
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self._parser = MultipartParser(_boundary(req.header("content-type")), self._callbacks())
        self._headers: dict[str, str] = {}
        self._field = ""  # the current part's name, in lower case
        self._name = b""
        self._value = b""
        self._part = bytearray()
        self._pre_data = 0
        self._in_file = False
        self._file_done = False
        self._ended = False
        self._pending: deque[bytes] = deque()
        self._buffered = 0

    def _callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    # --- the parser's callbacks ----------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers, self._part = {}, bytearray()

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        name = self._name.decode("latin-1").strip().lower()
        self._headers[name] = self._value.decode("utf-8", "replace").strip()
        self._name = self._value = b""

    def _headers_finished(self) -> None:
        if self._file_done:
            return
        _, options = parse_options_header(self._headers.get("content-disposition"))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._field = name.lower()
        if self._field == "file":
            self._in_file = True
            raw = options.get(b"filename")
            self.filename = None if raw is None else raw.decode("utf-8", "replace")
        self._count(len(name))

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._file_done:
            return
        if self._in_file:
            self._pending.append(data[start:end])
            self._buffered += end - start
            return
        self._count(end - start)
        self._part += data[start:end]

    def _part_end(self) -> None:
        if self._file_done:
            return
        if self._in_file:
            self._in_file, self._file_done = False, True
            return
        if self._field:
            self.fields.setdefault(self._field, self._part.decode("utf-8", "replace"))

    def _count(self, size: int) -> None:
        self._pre_data += size
        if self._pre_data > PRE_DATA_MAX:
            raise ServiceError(
                "MaxPostPreDataLengthExceeded",
                "Your POST request fields preceding the upload file were too large.",
                400,
            )

    # --- pulling the body ----------------------------------------------------------------

    def _pull(self) -> bool:
        """Feed the parser one more batch of the body; False at its end."""
        if self._ended:
            return False
        chunk = self._body.read(_PULL)
        try:
            if chunk:
                self._parser.write(chunk)
                return True
            self._ended = True
            self._parser.finalize()
        except MultipartParseError as bad:
            raise malformed() from bad
        return False

    def read_fields(self) -> None:
        """Read up to the start of the file's bytes; the file part must be there."""
        while not (self._in_file or self._file_done):
            if not self._pull():
                raise InvalidArgument(
                    "POST requires exactly one file upload per request.", "file", "0"
                )

    def read(self, n: int = -1) -> bytes:
        while not self._file_done and (n < 0 or self._buffered < n):
            if not self._pull():
                raise incomplete_body()
        if n < 0 or n >= self._buffered:
            n = self._buffered
        out = bytearray()
        while len(out) < n:
            piece = self._pending.popleft()
            room = n - len(out)
            if len(piece) > room:
                self._pending.appendleft(piece[room:])
                piece = piece[:room]
            out += piece
        self._buffered -= n
        return bytes(out)
