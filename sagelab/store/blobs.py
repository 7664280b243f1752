"""Blob stores: object bytes addressed by random ids, never by S3 key.

A blob becomes visible only whole: bytes go to `<root>/tmp/`, are fsynced, renamed to
`<root>/<id[:2]>/<id>`, and the directory is fsynced, all before the caller commits the
metadata row that names it. Whatever a crash leaves behind, `sweep` removes at start-up.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import unquote, urlsplit

from sagelab.gateway.http import BodyReader

CHUNK = 1 << 20
_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_M_ARENA_MAX = -8  # glibc's mallopt parameter
# Threads flushing one batch of blobs at once (see `_each`).
_FLUSHERS = 8


@dataclass(frozen=True)
class BlobInfo:
    blob_id: str
    size: int
    md5_hex: str


class BlobStore(Protocol):
    """`put(..., durable=False)` skips the flush to disk: for bytes that become visible only
    later (multipart parts), when `sync` makes them durable before their row commits."""

    def put(self, reader: BodyReader, *, durable: bool = True) -> BlobInfo: ...
    def sync(self, blob_ids: Iterable[str]) -> None: ...
    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> Iterator[bytes]: ...
    def size(self, blob_id: str) -> int: ...
    def delete(self, blob_id: str) -> None: ...
    def sweep(self, live: Callable[[str], bool] | set[str]) -> int: ...
    def reset(self) -> None: ...


def open_blobs(url: str) -> BlobStore:
    """`file:///abs/path` (the default) or `s3://bucket/prefix?endpoint=…`."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FileBlobStore(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        # Imported here: s3_blobs imports this module (and boto3, which file stores skip).
        from sagelab.store.s3_blobs import S3BlobStore, S3Location

        return S3BlobStore(S3Location.parse(url))
    raise ValueError(f"blob store {url!r}: expected a file:// or s3:// URL")


class FileChunks(Iterator[bytes]):
    """Bytes [start, end) of an open file in chunks; closes the file when done or closed.

    The file is opened before iteration starts so a blob deleted meanwhile (an overwrite of
    the same key) still streams in full.
    """

    def __init__(self, file: BinaryIO, remaining: int) -> None:
        self._file = file
        self._remaining = remaining

    def __iter__(self) -> FileChunks:
        return self

    def __next__(self) -> bytes:
        chunk = self._file.read(min(CHUNK, self._remaining)) if self._remaining > 0 else b""
        if not chunk:
            self.close()
            raise StopIteration
        self._remaining -= len(chunk)
        return chunk

    def close(self) -> None:
        self._file.close()


def _one_malloc_arena() -> None:
    """Bodies stream through worker threads in 1 MiB buffers, and glibc gives each thread
    an arena of its own that keeps the buffers it freed: some 40 MB more peak RSS during a
    10-part upload. One arena keeps them for reuse by all; the GIL serialises allocation
    anyway. Other C libraries have no such arenas (and no mallopt)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_ARENA_MAX, 1)


class FileBlobStore:
    def __init__(self, root: Path) -> None:
        _one_malloc_arena()
        self.root = root
        self._tmp = root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)

    def put(self, reader: BodyReader, *, durable: bool = True) -> BlobInfo:
        blob_id = uuid.uuid4().hex
        tmp = self._tmp / blob_id
        try:
            size, md5_hex = _write(tmp, reader, durable)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        final = self._path(blob_id)
        if not final.parent.is_dir():
            final.parent.mkdir(exist_ok=True)
            if durable:
                _fsync_dir(self.root)  # the new shard's own entry must survive a crash too
        os.replace(tmp, final)
        if durable:
            _fsync_dir(final.parent)
        return BlobInfo(blob_id, size, md5_hex)

    def sync(self, blob_ids: Iterable[str]) -> None:
        paths = [self._path(blob_id) for blob_id in blob_ids]
        _each(_fsync, paths)
        shards = {path.parent for path in paths}
        _each(_fsync_dir, shards)
        if shards:
            _fsync_dir(self.root)  # a shard made by a deferred put

    def open(self, blob_id: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        file = self._path(blob_id).open("rb")
        stop = os.fstat(file.fileno()).st_size if end is None else end
        file.seek(start)
        return FileChunks(file, max(0, stop - start))

    def size(self, blob_id: str) -> int:
        return self._path(blob_id).stat().st_size

    def delete(self, blob_id: str) -> None:
        self._path(blob_id).unlink(missing_ok=True)

    def sweep(self, live: Callable[[str], bool] | set[str]) -> int:
        """Start-up only (a put in progress would lose its temp file): drop what no row names."""
        is_live = live.__contains__ if isinstance(live, set) else live
        removed = _empty_dir(self._tmp)
        for shard in self.root.iterdir():
            if shard == self._tmp or not shard.is_dir():
                continue
            for blob in shard.iterdir():
                if not is_live(blob.name):
                    blob.unlink()
                    removed += 1
        return removed

    def reset(self) -> None:
        for entry in self.root.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        self._tmp.mkdir()

    def _path(self, blob_id: str) -> Path:
        # Ids come from our own rows; refusing anything else keeps a bad row off other paths.
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return self.root / blob_id[:2] / blob_id


def _write(path: Path, reader: BodyReader, durable: bool) -> tuple[int, str]:
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    with path.open("xb") as out:
        while chunk := reader.read(CHUNK):
            out.write(chunk)
            md5.update(chunk)
            size += len(chunk)
        out.flush()
        if durable:
            os.fsync(out.fileno())
    return size, md5.hexdigest()


def _each(flush: Callable[[Path], None], paths: Collection[Path]) -> None:
    """`flush` every path, side by side: fsyncs wait on the disk, not the GIL, and the
    file system can commit concurrent ones together."""
    if len(paths) == 1:
        flush(next(iter(paths)))
    elif paths:
        list(_flushers().map(flush, paths))


@functools.cache
def _flushers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(_FLUSHERS, thread_name_prefix="blob-flush")


def _fsync(path: Path, flags: int = 0) -> None:
    fd = os.open(path, os.O_RDONLY | flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    _fsync(path, os.O_DIRECTORY)


def _empty_dir(path: Path) -> int:
    removed = 0
    for entry in path.iterdir():
        entry.unlink()
        removed += 1
    return removed
