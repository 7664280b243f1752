"""Model server output → CloudWatch Logs: group `/aws/sagemaker/Endpoints/<endpoint>`, stream
`<variant>/<instance-id>` (contracts §2.4), stamped when copied."""

from __future__ import annotations

import time

from sagelab.runner.base import Runner
from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.hosting import instances
from sagelab.store.metadata import MetadataStore


def group(endpoint: str) -> str:
    return f"/aws/sagemaker/Endpoints/{endpoint}"


def stream(instance: instances.Instance) -> str:
    return f"{instance.variant}/{instance.instance_id}"


def copy(
    meta: MetadataStore,
    runner: Runner,
    where: resources.Scope,
    endpoint: str,
    instance: instances.Instance,
) -> None:
    """Copy the whole lines the instance printed since last time."""
    data, _ = runner.logs(instance.process, instance.log_offset)
    end = data.rfind(b"\n")
    if end < 0:
        return
    chunk = data[: end + 1]
    now_ms = int(time.time() * 1000)
    lines = [ln for ln in chunk.decode(errors="replace").splitlines() if ln.strip()]
    append_events(
        meta,
        where.account_id,
        where.region,
        group(endpoint),
        stream(instance),
        [(now_ms, ln) for ln in lines],
    )
    with meta.begin() as conn:
        instances.change(
            conn, where, endpoint, instance, log_offset=instance.log_offset + len(chunk)
        )
