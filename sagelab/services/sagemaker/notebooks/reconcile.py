"""The reconciler step for notebook instances: walks each one from its status to what the user
asked for (`instances.desired`), starting and stopping its processes on the way.

Start-up of an instance, one phase per process: OnCreate (first start only), OnStart (each
start), then JupyterLab until its status API answers → InService. A JupyterLab that dies while
InService is started again, as the instance's own supervisor would on SageMaker; three deaths
each within a minute of starting make the instance Failed.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

from sagelab.notebooks import kernel_env
from sagelab.notebooks.launcher import Instance as Launched
from sagelab.notebooks.launcher import Launcher, free_port, is_serving
from sagelab.runner.base import ProcessSpec, ProcessState, ProcessStatus
from sagelab.services.base import Deps
from sagelab.services.iam import keyring
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.notebooks import (
    instances,
    jupyter_log,
    lifecycle,
    metering,
    rows,
    runtimes,
    scripts,
    sessions,
)
from sagelab.services.sagemaker.notebooks.instances import (
    DELETED,
    DELETING,
    FAILED,
    IN_SERVICE,
    PENDING,
    STOPPED,
    STOPPING,
    Instance,
)
from sagelab.services.sagemaker.notebooks.runtimes import JUPYTER, ON_CREATE, ON_START

log = logging.getLogger(__name__)

PHASES = (ON_CREATE, ON_START, JUPYTER)
STOP_GRACE = 5.0
JUPYTER_START_LIMIT = 120.0
CRASH_WINDOW, CRASH_LIMIT = 60.0, 3
ENV_BUILD = "notebooks/kernel-env"


class EnvironmentFailed(Exception):
    """The kernel environment could not be built."""


class NotebookStep:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.launcher = Launcher(deps.settings.data_dir, deps.settings.endpoint_url)
        self.env_dir = kernel_env.env_dir(deps.settings.data_dir)
        self._settled = False
        self._building = False

    def __call__(self) -> None:
        with self.deps.meta.connect() as conn:
            todo = instances.every(conn)
        if not self._settled:
            self._settle(todo)
        for inst in todo:
            try:
                self._advance(inst)
            except Exception:
                log.exception("notebook instance %s: reconcile failed", inst.arn)

    def _settle(self, todo: list[Instance]) -> None:
        """After a restart, start-ups in flight begin again: their processes did not survive."""
        self._settled = True
        with self.deps.meta.begin() as conn:
            for inst in todo:
                if inst.status == PENDING:
                    runtimes.remove(conn, inst.key)

    def _advance(self, inst: Instance) -> None:
        if inst.status != DELETING:  # a Deleting instance's home may be gone already
            jupyter_log.ship(self.deps.meta, self.launcher, inst)
        if inst.desired == DELETED:
            self._delete(inst)
        elif inst.desired == STOPPED:
            self._stop(inst)
        elif inst.status in (STOPPED, FAILED):
            self._write(inst, PENDING)
        elif inst.status == PENDING:
            self._boot(inst)
        elif inst.status == IN_SERVICE:
            self._watch(inst)

    # --- writes ------------------------------------------------------------------------------

    def _write(self, inst: Instance, status: str) -> Instance:
        with self.deps.meta.begin() as conn:
            return instances.set_status(conn, inst, status, time.time())

    def _fail(self, inst: Instance, reason: str) -> None:
        log.warning("notebook instance %s failed: %s", inst.arn, reason)
        self._stop_processes(inst)
        now = time.time()
        with self.deps.meta.begin() as conn:
            runtimes.remove(conn, inst.key)
            metering.end(conn, inst.key, now)
            instances.set_status(conn, inst, FAILED, now, reason)
            rows.update_row(conn, inst.scope, inst.name, desired={"state": STOPPED})

    # --- stop and delete ---------------------------------------------------------------------

    def _names(self, inst: Instance) -> list[str]:
        return [self.launcher.process_name(self._launched(inst), p) for p in PHASES]

    def _stop_processes(self, inst: Instance) -> None:
        for name in self._names(inst):
            self.deps.runner.stop(name, STOP_GRACE)

    def _all_ended(self, inst: Instance) -> bool:
        return all(
            self.deps.runner.poll(n).state is not ProcessState.RUNNING for n in self._names(inst)
        )

    def _stop(self, inst: Instance) -> None:
        if inst.status in (IN_SERVICE, PENDING):
            self._stop_processes(inst)
            with self.deps.meta.begin() as conn:
                runtimes.remove(conn, inst.key)
                metering.end(conn, inst.key, time.time())
                instances.set_status(conn, inst, STOPPING, time.time())
        elif inst.status == STOPPING and self._all_ended(inst):
            self._write(inst, STOPPED)

    def _delete(self, inst: Instance) -> None:
        if inst.status in (STOPPED, FAILED):
            inst = self._write(inst, DELETING)
        if inst.status != DELETING or not self._all_ended(inst):
            return
        self.launcher.remove_home(inst.name)
        with self.deps.meta.begin() as conn:
            runtimes.remove(conn, inst.key)
            sessions.forget(conn, inst.key)
            metering.end(conn, inst.key, time.time())
            rows.delete_row(conn, inst.scope, inst.name)

    # --- start-up ----------------------------------------------------------------------------

    def _launched(self, inst: Instance) -> Launched:
        root = inst.doc.get("RootAccess", "Enabled") == "Enabled"
        return Launched(inst.scope.account_id, inst.scope.region, inst.name, inst.arn, root)

    def _boot(self, inst: Instance) -> None:
        with self.deps.meta.connect() as conn:
            current = runtimes.find(conn, keyring.of(self.deps.meta), inst.key)
        if current is None:
            self._begin(inst)
            return
        name = self.launcher.process_name(self._launched(inst), current.phase)
        status = self.deps.runner.poll(name)
        if current.phase == JUPYTER:
            self._await_jupyter(inst, current, status)
        else:
            self._await_script(inst, current, status)

    def _begin(self, inst: Instance) -> None:
        try:
            if not self._env_ready():
                return
        except EnvironmentFailed as err:
            self._fail(inst, str(err))
            return
        self.launcher.prepare_home(self._launched(inst))
        self._enter(inst, self._next_phase(inst, None))

    def _scripts(self, inst: Instance) -> dict[str, bytes]:
        config = inst.doc.get("NotebookInstanceLifecycleConfigName")
        if not config:
            return {}
        where = lifecycle.scope(inst.scope.account_id, inst.scope.region)
        with self.deps.meta.connect() as conn:
            found = resources.find(conn, where, config)
        return {} if found is None else scripts.of(found.doc)

    def _next_phase(self, inst: Instance, after: str | None) -> tuple[str, bytes | None]:
        found = self._scripts(inst)
        if self._created_before(inst):
            found.pop(ON_CREATE, None)
        start = 0 if after is None else PHASES.index(after) + 1
        for phase in PHASES[start:-1]:
            if phase in found:
                return phase, found[phase]
        return JUPYTER, None

    def _created_before(self, inst: Instance) -> bool:
        return (self.launcher.private(inst.name) / "on-create.done").exists()

    def _enter(self, inst: Instance, step: tuple[str, bytes | None], restarts: int = 0) -> None:
        phase, body = step
        launched = self._launched(inst)
        port = free_port() if phase == JUPYTER else 0
        with self.deps.meta.begin() as conn:
            made = runtimes.enter(
                conn, keyring.of(self.deps.meta), inst.key, phase, port, time.time(), restarts
            )
        if phase == JUPYTER:
            spec = self.launcher.jupyter(launched, port, made.jupyter_token, made.credential)
        else:
            assert body is not None
            spec = self.launcher.script(launched, phase, body, made.credential)
        if phase == ON_CREATE:
            (self.launcher.private(inst.name) / "on-create.done").touch()
        self.deps.runner.start(spec)

    def _await_script(
        self, inst: Instance, current: runtimes.Runtime, status: ProcessStatus
    ) -> None:
        overdue = time.time() - current.started_at > scripts.TIME_LIMIT
        if status.state is ProcessState.RUNNING and not overdue:
            return
        if overdue:
            self._stop_processes(inst)
        scripts.ship_log(self.deps.meta, self.launcher, inst, current.phase)
        if status.state is ProcessState.EXITED and status.exit_code == 0:
            self._enter(inst, self._next_phase(inst, current.phase))
        else:
            self._fail(inst, scripts.failure(inst, current.phase, overdue))

    def _await_jupyter(
        self, inst: Instance, current: runtimes.Runtime, status: ProcessStatus
    ) -> None:
        if status.state is not ProcessState.RUNNING:
            self._fail(inst, f"JupyterLab exited while starting: {self._log_tail(inst)}")
        elif is_serving(current.port, inst.name, current.jupyter_token):
            now = time.time()
            with self.deps.meta.begin() as conn:
                instances.set_status(conn, inst, IN_SERVICE, now)
                metering.begin(conn, inst.key, inst.doc["InstanceType"], now)
        elif time.time() - current.started_at > JUPYTER_START_LIMIT:
            self._fail(inst, f"JupyterLab did not start in {JUPYTER_START_LIMIT:.0f} seconds")

    def _watch(self, inst: Instance) -> None:
        with self.deps.meta.connect() as conn:
            current = runtimes.find(conn, keyring.of(self.deps.meta), inst.key)
        name = self.launcher.process_name(self._launched(inst), JUPYTER)
        if current is not None and self.deps.runner.poll(name).state is ProcessState.RUNNING:
            return
        crashes = 0
        if current is not None and time.time() - current.started_at < CRASH_WINDOW:
            crashes = current.restarts + 1
        if crashes >= CRASH_LIMIT:
            self._fail(inst, f"JupyterLab exited {crashes} times: {self._log_tail(inst)}")
            return
        log.warning("notebook instance %s: JupyterLab is gone, starting it again", inst.arn)
        self._enter(inst, (JUPYTER, None), crashes)

    def _log_tail(self, inst: Instance) -> str:
        path = self.launcher.private(inst.name) / "jupyter.log"
        try:
            lines = path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no output"
        return " | ".join(lines[-3:])[-500:] or "no output"

    # --- the kernel environment --------------------------------------------------------------

    def _env_ready(self) -> bool:
        """Whether the kernel env is built; starts its build (a child process) when not."""
        if kernel_env.is_ready(self.env_dir):
            return True
        status = self.deps.runner.poll(ENV_BUILD)
        if status.state is ProcessState.RUNNING:
            return False
        log_path = self.env_dir.parent / f"{kernel_env.NAME}.build.log"
        if self._building:
            self._building = False
            raise EnvironmentFailed(
                f"The {kernel_env.NAME} kernel environment could not be built "
                f"(exit {status.exit_code}); see {log_path}"
            )
        self._building = True
        data_dir: Path = self.deps.settings.data_dir
        argv = [sys.executable, "-m", "sagelab.notebooks.kernel_env", str(data_dir)]
        self.deps.runner.start(ProcessSpec(ENV_BUILD, argv, data_dir, {}, log_path))
        return False
