"""The reconciler step for endpoints: bring up the instances `desired` asks for, route traffic
to a generation once all of its instances answer, drain and stop the one before, restart
crashed instances, and tear endpoints down.

A restarted server finds the same rows: instances the runner adopted keep serving on their
ports; ones that ended meanwhile are started again (an InService endpoint stays InService).
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select

from sagelab.container import layout
from sagelab.runner.base import ProcessState
from sagelab.services.base import Deps
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.hosting import (
    ENDPOINT,
    capture,
    endpoints,
    instances,
    launch,
    logs,
    records,
)
from sagelab.services.sagemaker.hosting.instances import FAILED, READY, STARTING, Instance
from sagelab.services.sagemaker.jobs import credentials
from sagelab.store.tables import sm_resources

log = logging.getLogger(__name__)

STOP_GRACE = 5.0
# How long a drained generation keeps running after traffic moved: longer than the runtime's
# routing cache, so no request is sent to an instance that is gone.
DRAIN_SECONDS = 2.0


@dataclass(frozen=True)
class Walked:
    where: resources.Scope
    name: str
    doc: dict[str, Any]
    desired: dict[str, Any]


def _walked() -> Any:
    return select(sm_resources).where(
        sm_resources.c.kind == ENDPOINT, sm_resources.c.status.in_(endpoints.WALKED)
    )


class HostingReconciler:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._drain_after: dict[tuple[str, str, str], float] = {}

    def __call__(self) -> None:
        with self.deps.meta.connect() as conn:
            found = [
                Walked(
                    resources.Scope(ENDPOINT, r.account_id, r.region),
                    r.name,
                    dict(r.doc),
                    dict(r.desired or {}),
                )
                for r in conn.execute(_walked())
            ]
        for endpoint in found:
            try:
                self._walk(endpoint)
            except Exception:  # one broken endpoint must not hold up the others
                log.exception("endpoint %s: reconcile failed", endpoint.name)

    # ---- one endpoint ----------------------------------------------------------------

    def _walk(self, ep: Walked) -> None:
        with self.deps.meta.connect() as conn:
            found = instances.of_endpoint(conn, ep.where, ep.name)
        if ep.desired.get("delete"):
            self._teardown(ep, found)
            return
        if ep.doc["EndpointStatus"] == endpoints.FAILED and not found:
            return
        for instance in found:
            logs.copy(self.deps.meta, self.deps.runner, ep.where, ep.name, instance)
        gen = ep.desired["generation"]
        target, reasons = self._observe_all(ep, [i for i in found if i.generation == gen])
        if reasons:
            self._fail(ep, target, reasons[0])
            return
        target = self._ensure_slots(ep, target)
        old = [i for i in found if i.generation != gen]
        if target and all(i.state == READY for i in target):
            self._route(ep, target, old)
        self._retire(ep, old)
        self._refresh_credentials(ep)

    def _job(self, ep: Walked, gen: int, variant: str) -> layout.JobDir:
        root = launch.endpoint_dir(self.deps.settings.data_dir, ep.where, ep.name)
        return layout.JobDir(root / ep.desired["incarnation"] / f"g{gen}" / variant)

    def _variants(self, ep: Walked) -> dict[str, dict[str, Any]]:
        return {v["name"]: v for v in ep.desired["variants"]}

    def _ensure_slots(self, ep: Walked, target: list[Instance]) -> list[Instance]:
        """Start the instances `desired` counts and the generation lacks; stop extra ones."""
        gen, variants = ep.desired["generation"], self._variants(ep)
        have = {(i.variant, i.slot) for i in target}
        routed = any(i.routed for i in target)
        kept = []
        for instance in target:
            variant = variants.get(instance.variant)
            if variant is None or instance.slot >= variant["count"]:
                self._stop_and_forget(ep, instance)
            else:
                kept.append(instance)
        for variant in variants.values():
            missing = [s for s in range(variant["count"]) if (variant["name"], s) not in have]
            if missing:
                kept.extend(self._launch(ep, gen, variant, missing, routed))
        return kept

    def _launch(
        self, ep: Walked, gen: int, variant: dict[str, Any], slots: list[int], routed: bool
    ) -> list[Instance]:
        job = self._job(ep, gen, variant["name"])
        if not job.spec.exists():
            launch.prepare(self.deps.meta, job, ep.where, variant, ep.name)
        started = []
        for slot in slots:
            process = launch.process_name(
                ep.where, ep.desired["incarnation"], gen, variant["name"], slot
            )
            instance = Instance(
                gen,
                variant["name"],
                slot,
                f"i-{uuid.uuid4().hex[:17]}",
                process,
                STARTING,
                None,
                routed,
                0,
            )
            with self.deps.meta.begin() as conn:
                instances.add(conn, ep.where, ep.name, instance)
            self._start(ep, job, variant, instance)
            started.append(instance)
        return started

    def _start(self, ep: Walked, job: layout.JobDir, variant: dict[str, Any], i: Instance) -> None:
        spec = launch.spec(self.deps.settings, job, ep.where, variant, i.process, i.slot)
        self.deps.runner.start(spec)

    # ---- watching instances ----------------------------------------------------------

    def _observe_all(self, ep: Walked, target: list[Instance]) -> tuple[list[Instance], list[str]]:
        seen, reasons = [], []
        for instance in target:
            now, reason = self._observe(ep, instance)
            seen.append(now)
            if reason:
                reasons.append(reason)
        return seen, reasons

    def _observe(self, ep: Walked, i: Instance) -> tuple[Instance, str | None]:
        job = self._job(ep, i.generation, i.variant)
        report = layout.read_json(job.status(launch.host(i.slot))) or {}
        poll = self.deps.runner.poll(i.process)
        if poll.state is ProcessState.RUNNING:
            if i.state == STARTING and report.get("state") == READY:
                i = replace(i, state=READY, port=int(report["port"]))
                with self.deps.meta.begin() as conn:
                    instances.change(conn, ep.where, ep.name, i, state=READY, port=i.port)
            return i, None
        if report.get("state") == FAILED:
            return replace(i, state=FAILED), str(report["reason"])
        if i.state == STARTING and poll.state is ProcessState.EXITED:
            return replace(i, state=FAILED), (
                f"The model server of variant {i.variant} exited with code {poll.exit_code} "
                "while starting. See the endpoint's CloudWatch logs for details."
            )
        return self._restart(ep, job, i), None

    def _restart(self, ep: Walked, job: layout.JobDir, i: Instance) -> Instance:
        """A crashed (or, after a restart of sagelab, vanished) instance starts again; the
        others keep serving meanwhile."""
        log.warning("endpoint %s: restarting instance %s", ep.name, i.process)
        i = replace(i, state=STARTING, port=None)
        with self.deps.meta.begin() as conn:
            instances.change(conn, ep.where, ep.name, i, state=STARTING, port=None)
        self._start(ep, job, self._variants(ep)[i.variant], i)
        return i

    # ---- transitions -----------------------------------------------------------------

    def _route(self, ep: Walked, target: list[Instance], old: list[Instance]) -> None:
        """Traffic moves to the generation and the document says so in one transaction: the
        runtime never sees variants without their instances."""
        counts: dict[str, int] = {}
        for i in target:
            counts[i.variant] = counts.get(i.variant, 0) + 1
        doc = ep.doc
        summaries = endpoints.variant_summaries(ep.desired["variants"], counts)
        flip = not all(i.routed for i in target)
        unchanged = doc["ProductionVariants"] == summaries
        if not flip and unchanged and doc["EndpointStatus"] == endpoints.IN_SERVICE:
            return
        doc["ProductionVariants"] = summaries
        doc["EndpointConfigName"] = ep.desired["config"]
        capture.describe(doc, ep.desired)
        doc["EndpointStatus"] = endpoints.IN_SERVICE
        doc["LastModifiedTime"] = time.time()
        with self.deps.meta.begin() as conn:
            if flip:
                instances.route_generation(conn, ep.where, ep.name, ep.desired["generation"])
            records.save(conn, ep.where, ep.name, doc, doc["EndpointStatus"])
        if flip and old:
            self._drain_after[self._key(ep)] = time.time() + DRAIN_SECONDS

    def _retire(self, ep: Walked, old: list[Instance]) -> None:
        if not old or time.time() < self._drain_after.get(self._key(ep), 0.0):
            return
        for instance in old:
            self._stop_and_forget(ep, instance)
        self._drain_after.pop(self._key(ep), None)

    def _fail(self, ep: Walked, target: list[Instance], reason: str) -> None:
        """Creation fails the endpoint; a failed update rolls back to what served before."""
        for instance in target:
            self._stop_and_forget(ep, instance)
        doc, previous = ep.doc, ep.desired.get("previous")
        doc["FailureReason"] = reason
        doc["LastModifiedTime"] = time.time()
        if previous is None:
            doc["EndpointStatus"] = endpoints.FAILED
        else:
            doc["EndpointStatus"] = endpoints.IN_SERVICE
            with self.deps.meta.begin() as conn:
                records.set_desired(conn, ep.where, ep.name, previous)
        self._save(ep)

    def _teardown(self, ep: Walked, found: list[Instance]) -> None:
        for instance in found:
            self._stop_and_forget(ep, instance)
        with self.deps.meta.begin() as conn:
            records.remove(conn, ep.where, ep.name)
        root = launch.endpoint_dir(self.deps.settings.data_dir, ep.where, ep.name)
        shutil.rmtree(root / ep.desired.get("incarnation", ""), ignore_errors=True)
        self._drain_after.pop(self._key(ep), None)

    # ---- helpers ---------------------------------------------------------------------

    def _stop_and_forget(self, ep: Walked, i: Instance) -> None:
        self.deps.runner.stop(i.process, STOP_GRACE)
        with self.deps.meta.begin() as conn:
            instances.remove(conn, ep.where, ep.name, i)

    def _save(self, ep: Walked) -> None:
        with self.deps.meta.begin() as conn:
            records.save(conn, ep.where, ep.name, ep.doc, ep.doc["EndpointStatus"])

    def _key(self, ep: Walked) -> tuple[str, str, str]:
        return (ep.where.account_id, ep.where.region, ep.name.lower())

    def _refresh_credentials(self, ep: Walked) -> None:
        gen = ep.desired["generation"]
        for variant in ep.desired["variants"]:
            job = self._job(ep, gen, variant["name"])
            if credentials.credentials_expire_soon(job, time.time()):
                credentials.write_credentials(
                    self.deps.meta, job, ep.where.account_id, variant["role"]
                )
