"""Lifecycle scripts as an instance runs them: which hook is which phase, their 5-minute limit,
where their output goes in CloudWatch Logs, and how a failure reads."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sagelab.services.logs.streams import append_events
from sagelab.services.sagemaker.notebooks import lifecycle
from sagelab.services.sagemaker.notebooks.runtimes import ON_CREATE, ON_START

if TYPE_CHECKING:
    from sagelab.notebooks.launcher import Launcher
    from sagelab.services.sagemaker.notebooks.instances import Instance
    from sagelab.store.metadata import MetadataStore

TIME_LIMIT = 300.0
LOG_GROUP = "/aws/sagemaker/NotebookInstances"
_HOOKS = {ON_CREATE: "OnCreate", ON_START: "OnStart"}


def of(config_doc: dict[str, Any]) -> dict[str, bytes]:
    """phase → script, for the hooks a lifecycle configuration has."""
    found = {}
    for phase, hook in _HOOKS.items():
        body = lifecycle.script(config_doc, hook)
        if body is not None:
            found[phase] = body
    return found


def stream(inst: Instance, phase: str) -> str:
    return f"{inst.name}/LifecycleConfig{_HOOKS[phase]}"


def ship_log(meta: MetadataStore, launcher: Launcher, inst: Instance, phase: str) -> None:
    """Copy a finished script's output to its log stream, one event per line."""
    path = launcher.private(inst.name) / f"{phase}.log"
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return
    now_ms = int(time.time() * 1000)
    events = [(now_ms, line) for line in lines if line]
    if events:
        where = inst.scope
        append_events(meta, where.account_id, where.region, LOG_GROUP, stream(inst, phase), events)


def failure(inst: Instance, phase: str, overdue: bool) -> str:
    config = inst.doc.get("NotebookInstanceLifecycleConfigName", "")
    config_arn = lifecycle.arn_of(lifecycle.scope(inst.scope.account_id, inst.scope.region), config)
    what = "took longer than 5 minutes" if overdue else "failed"
    return (
        f"Notebook Instance Lifecycle Config '{config_arn}' for Notebook Instance "
        f"'{inst.arn}' {what}. Please check your CloudWatch logs for more details "
        f"({LOG_GROUP}, stream {stream(inst, phase)})."
    )
