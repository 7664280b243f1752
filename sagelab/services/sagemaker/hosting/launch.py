"""Starting an endpoint's instances: one runner process per instance, acting as the model's
execution role (`sagelab.services.sagemaker.jobs.credentials`).

Files: `<data>/endpoints/<region>/<account>/<endpoint>/<incarnation>/g<gen>/<variant>/` hold
the variant's spec, role credentials and AWS config; `i<slot>/model/` each instance's model, and
`i<slot>.status` / `i<slot>.log` what the instance reports and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sagelab.config import Settings
from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.runner.base import ProcessSpec
from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.jobs import credentials
from sagelab.store.metadata import MetadataStore


def endpoint_dir(data_dir: Path, where: resources.Scope, name: str) -> Path:
    return data_dir / "endpoints" / where.region / where.account_id / name.lower()


def host(slot: int) -> str:
    return f"i{slot}"


def process_name(
    where: resources.Scope, incarnation: str, gen: int, variant: str, slot: int
) -> str:
    """Unique per incarnation: a name reused at once after a delete never meets the old
    processes, which may still be ending."""
    return f"endpoint/{where.account_id}/{where.region}/{incarnation}/{gen}/{variant}/{slot}"


def prepare(
    meta: MetadataStore, job: JobDir, where: resources.Scope, variant: dict[str, Any], endpoint: str
) -> None:
    """The variant's spec, role credentials and AWS config (once per generation)."""
    job.root.mkdir(parents=True, exist_ok=True)
    layout.write_json(
        job.spec,
        {
            "endpoint": endpoint,
            "variant": variant["name"],
            "region": where.region,
            "containers": variant["containers"],
        },
    )
    credentials.write_credentials(meta, job, where.account_id, variant["role"])
    credentials.write_aws_config(job, where.region)


def spec(
    settings: Settings,
    job: JobDir,
    where: resources.Scope,
    variant: dict[str, Any],
    process: str,
    slot: int,
) -> ProcessSpec:
    name = host(slot)
    job.status(name).unlink(missing_ok=True)
    base = job.base(name)
    base.mkdir(parents=True, exist_ok=True)
    environment: dict[str, str] = {}
    for container in variant["containers"]:
        environment.update(container["environment"])
    return ProcessSpec(
        name=process,
        argv=[sys.executable, "-m", "sagelab.container.serve", str(job.root), name],
        cwd=base,
        env={**environment, **credentials.base_env(settings.endpoint_url, job, where.region)},
        log_path=job.log(name),
    )
