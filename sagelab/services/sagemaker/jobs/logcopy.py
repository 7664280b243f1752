"""Copying each host's output into its CloudWatch Logs stream, stamped when copied, with the
copy offset kept in the host's row so a restarted server neither repeats nor loses lines."""

from __future__ import annotations

import time
from collections.abc import Callable

from sagelab.runner.base import Runner
from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.jobs.hosts import Host, HostRows
from sagelab.store.metadata import MetadataStore

# What is done with each copied chunk's lines besides storing them (training: metrics).
LinesHook = Callable[[float, list[str]], None]


def as_cloudwatch(line: str) -> str:
    """A log line as CloudWatch keeps it: control characters escaped the syslog way."""
    return line.replace("\t", "#011")


def _complete_lines(data: bytes, final: bool) -> bytes:
    """What may be copied now: whole lines only, unless the process has ended."""
    if final:
        return data
    end = data.rfind(b"\n")
    return data[: end + 1] if end >= 0 else b""


class LogCopier:
    def __init__(self, meta: MetadataStore, runner: Runner, rows: HostRows, group: str) -> None:
        self.meta = meta
        self.runner = runner
        self.rows = rows
        self.group = group

    def copy(
        self,
        where: resources.Scope,
        job: str,
        host: Host,
        final: bool,
        on_lines: LinesHook | None = None,
    ) -> None:
        """Copy what `host` wrote since last time."""
        offset = host.log_offset
        while True:
            data, _ = self.runner.logs(host.process, offset)
            chunk = _complete_lines(data, final)
            if not chunk:
                return
            now = time.time()
            lines = [as_cloudwatch(ln) for ln in chunk.decode(errors="replace").splitlines()]
            append_events(
                self.meta,
                where.account_id,
                where.region,
                self.group,
                host.log_stream,
                [(int(now * 1000), ln) for ln in lines if ln.strip()],
            )
            if on_lines is not None:
                on_lines(now, lines)
            offset += len(chunk)
            with self.meta.begin() as conn:
                self.rows.advance_offset(conn, where, job, host.host, offset)
