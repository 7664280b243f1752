"""How an instance's processes are started: its persistent home, the environment every one of
them gets (sagelab's endpoint, the role's credentials through the container-credentials
endpoint, the notebook metadata file) and the argv of JupyterLab and of lifecycle scripts.

Home: `<data_dir>/notebooks/<name>/`, HOME for every process; `SageMaker/` is JupyterLab's
root and the only folder users are meant to keep things in; `.sagelab/` holds what sagelab
writes for the instance (metadata file, scripts, logs).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from sagelab.notebooks import kernel_env
from sagelab.runner.base import ProcessSpec

PROXY_PREFIX = "/_sagelab/notebooks/"
EXAMPLES = Path(__file__).with_name("examples")
EXAMPLES_FOLDER = "SageMaker Examples"
CREDENTIALS_PATH = "/_sagelab/credentials"


@dataclass(frozen=True)
class Instance:
    """What the launcher needs to know of one notebook instance."""

    account_id: str
    region: str
    name: str
    arn: str
    root_access: bool


@dataclass(frozen=True)
class Launcher:
    data_dir: Path
    endpoint_url: str  # sagelab's, as the instance's processes reach it

    def home(self, name: str) -> Path:
        return self.data_dir / "notebooks" / name

    def private(self, name: str) -> Path:
        return self.home(name) / ".sagelab"

    def process_name(self, inst: Instance, role: str) -> str:
        return f"notebook-instance/{inst.account_id}/{inst.region}/{inst.name.lower()}/{role}"

    def prepare_home(self, inst: Instance) -> None:
        """Create the home (kept across stop/start) and write the metadata file anew."""
        work = self.home(inst.name) / "SageMaker"
        if not work.exists():  # a new instance: its examples, as SageMaker's come with one
            work.mkdir(parents=True)
            shutil.copytree(EXAMPLES, work / EXAMPLES_FOLDER)
        private = self.private(inst.name)
        private.mkdir(exist_ok=True)
        metadata = private / "resource-metadata.json"
        metadata.unlink(missing_ok=True)
        metadata.write_text(json.dumps({"ResourceArn": inst.arn, "ResourceName": inst.name}))
        if not inst.root_access:
            # As far as one machine allows: the instance's own setup is read-only to it.
            metadata.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)

    def remove_home(self, name: str) -> None:
        home = self.home(name)
        shutil.rmtree(home, ignore_errors=True)

    def env(self, inst: Instance, credential_secret: str) -> dict[str, str]:
        env_dir = kernel_env.env_dir(self.data_dir)
        home = self.home(inst.name)
        return {
            "HOME": str(home),
            "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', os.defpath)}",
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": inst.region,
            "AWS_REGION": inst.region,
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.endpoint_url + CREDENTIALS_PATH,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": credential_secret,
            "SAGELAB_NOTEBOOK_METADATA": str(self.private(inst.name) / "resource-metadata.json"),
            "SAGEMAKER_SUPPRESS_V2_WARNING": "1",
            "JUPYTER_PATH": str(kernel_env.jupyter_path(env_dir)),
        }

    def jupyter(self, inst: Instance, port: int, token: str, credential: str) -> ProcessSpec:
        home = self.home(inst.name)
        argv = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
            f"--ServerApp.base_url={PROXY_PREFIX}{inst.name}/",
            f"--ServerApp.root_dir={home / 'SageMaker'}",
            f"--IdentityProvider.token={token}",
            # Only the proxy reaches it, after its own check: browsers' Origin is sagelab's.
            "--ServerApp.allow_origin=*",
            "--KernelSpecManager.ensure_native_kernel=False",
            f"--KernelSpecManager.allowed_kernelspecs={kernel_env.NAME}",
            f"--MappingKernelManager.default_kernel_name={kernel_env.NAME}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None",
            "--LabApp.extension_manager=readonly",
        ]  # fmt: skip
        if os.geteuid() == 0:  # sagelab itself runs as root (a container): so does Jupyter
            argv.append("--allow-root")
        return ProcessSpec(
            name=self.process_name(inst, "jupyter"),
            argv=argv,
            cwd=home / "SageMaker",
            env=self.env(inst, credential),
            log_path=self.private(inst.name) / "jupyter.log",
        )

    def script(self, inst: Instance, hook: str, body: bytes, credential: str) -> ProcessSpec:
        """A lifecycle script, run by bash in the home; `hook` is on-create or on-start."""
        path = self.private(inst.name) / f"{hook}.sh"
        path.unlink(missing_ok=True)
        path.write_bytes(body)
        log = self.private(inst.name) / f"{hook}.log"
        log.unlink(missing_ok=True)
        return ProcessSpec(
            name=self.process_name(inst, hook),
            argv=["bash", str(path)],
            cwd=self.home(inst.name),
            env=self.env(inst, credential),
            log_path=log,
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def is_serving(port: int, name: str, token: str) -> bool:
    """Whether JupyterLab answers its status API yet."""
    url = f"http://127.0.0.1:{port}{PROXY_PREFIX}{name}/api/status"
    try:
        answer = httpx.get(url, headers={"Authorization": f"token {token}"}, timeout=1.0)
    except httpx.HTTPError:
        return False
    return answer.status_code == 200
