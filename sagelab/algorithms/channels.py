"""A training channel as a stream of mini-batches, for the first-party algorithms: the
channel's content type (recordio-protobuf when absent, reference §0.4), Pipe mode's RecordIO
wrapping, and the content types an algorithm accepts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sagelab.algorithms.contract import TrainingEnv
from sagelab.algorithms.errors import UserError
from sagelab.algorithms.io.batches import CSV, RECORDIO_PROTOBUF, Batch, ContentType, read_batches


def content_type(env: TrainingEnv, name: str, accepted: Sequence[str] = (RECORDIO_PROTOBUF, CSV),
                 label_size: int = 1) -> ContentType:
    channel = env.channels.get(name)
    raw = channel.content_type if channel else None
    content = ContentType.parse(raw, RECORDIO_PROTOBUF, label_size)
    if content.media not in accepted:
        raise UserError(f"Content type {raw!r} is not supported for channel '{name}'; "
                        f"use {' or '.join(accepted)}")
    return content


def batches(env: TrainingEnv, name: str, batch_size: int, width: int | None,
            accepted: Sequence[str] = (RECORDIO_PROTOBUF, CSV), label_size: int = 1
            ) -> Iterator[Batch]:
    """One full pass over channel `name`."""
    channel = env.channels.get(name)
    wrapped = channel is not None and channel.record_wrapper == "RecordIO"
    content = content_type(env, name, accepted, label_size)
    return read_batches(env.channel_pass(name), content, batch_size, width, wrapped)
