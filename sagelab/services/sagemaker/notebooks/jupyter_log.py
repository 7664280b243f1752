"""JupyterLab's own output → CloudWatch Logs, group `/aws/sagemaker/NotebookInstances`, stream
`<name>/jupyter.log`, as SageMaker ships it.

The reconciler copies the whole lines written since its last tick, one batch per tick. How far
it got is kept next to the log (`jupyter.log.shipped`): the log only grows (every start appends
to it), so the offset stays true across stops, starts and sagelab's own restarts.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker.notebooks.scripts import LOG_GROUP

if TYPE_CHECKING:
    from pathlib import Path

    from sagelab.notebooks.launcher import Launcher
    from sagelab.services.sagemaker.notebooks.instances import Instance
    from sagelab.store.metadata import MetadataStore

# At most this much is copied per tick, so that a chatty JupyterLab cannot stall the others.
BATCH_BYTES = 256 * 1024


def stream(inst: Instance) -> str:
    return f"{inst.name}/jupyter.log"


def _read_offset(mark: Path) -> int:
    try:
        return int(mark.read_text())
    except (OSError, ValueError):
        return 0


def _new_lines(log: Path, offset: int) -> bytes:
    """The whole lines after `offset`, up to BATCH_BYTES (more when one line is longer)."""
    try:
        with log.open("rb") as f:
            f.seek(offset)
            data = f.read(BATCH_BYTES)
            end = data.rfind(b"\n")
            while end < 0 and len(data) >= BATCH_BYTES:  # one very long line: take it whole
                more = f.read(BATCH_BYTES)
                if not more:
                    break
                data += more
                end = data.rfind(b"\n")
    except OSError:
        return b""
    return data[: end + 1]


def ship(meta: MetadataStore, launcher: Launcher, inst: Instance) -> None:
    private = launcher.private(inst.name)
    mark = private / "jupyter.log.shipped"
    offset = _read_offset(mark)
    chunk = _new_lines(private / "jupyter.log", offset)
    if not chunk:
        return
    now_ms = int(time.time() * 1000)
    lines = chunk.decode(errors="replace").splitlines()
    events = [(now_ms, line) for line in lines if line.strip()]
    if events:
        where = inst.scope
        append_events(meta, where.account_id, where.region, LOG_GROUP, stream(inst), events)
    mark.write_text(str(offset + len(chunk)))
