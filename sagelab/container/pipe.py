"""Pipe input mode: FIFO `input/data/<channel>_<epoch>` per epoch (contracts §1.2).

A feeder thread per channel makes `<channel>_0`, waits for the algorithm to open it, streams
the channel's data, closes it; then `<channel>_1` appears, and so on for as many epochs as the
algorithm reads. The threads are daemons: they end with the training process.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sagelab.algorithms.io import recordio
from sagelab.container.channels import Channel

_CHUNK = 1 << 20


def _payloads(channel: Channel, files: list[Path]) -> Iterator[bytes]:
    for path in files:
        data = path.read_bytes()
        if channel.compression == "Gzip":
            data = gzip.decompress(data)
        yield recordio.frame(data) if channel.record_wrapper == "RecordIO" else data


def _fifo(data_dir: Path, channel: Channel, epoch: int) -> Path:
    path = data_dir / f"{channel.name}_{epoch}"
    os.mkfifo(path)
    return path


def _feed(data_dir: Path, channel: Channel, files: list[Path], fifo: Path) -> None:
    epoch = 0
    while True:
        # The next epoch's FIFO exists before this one reaches EOF, so a reader that moves on
        # at once finds it.
        epoch += 1
        following = _fifo(data_dir, channel, epoch)
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as out:
            for payload in _payloads(channel, files):
                for start in range(0, len(payload), _CHUNK):
                    out.write(payload[start : start + _CHUNK])
        fifo.unlink(missing_ok=True)
        fifo = following


def start_feeder(data_dir: Path, channel: Channel, files: list[Path]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    first = _fifo(data_dir, channel, 0)
    threading.Thread(
        target=_feed,
        args=(data_dir, channel, files, first),
        name=f"pipe-{channel.name}",
        daemon=True,
    ).start()
