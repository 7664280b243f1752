"""A transform job's files and child processes, one per instance:
`<data dir>/transform-jobs/<region>/<name>/` holds the spec the children follow
(`sagelab.container.transform`), the role's credentials, and each instance's tree (`algo-<n>/`:
the unpacked model, scratch space), status file and log."""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

from sagelab.config import Settings
from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.runner.base import ProcessSpec
from sagelab.services.sagemaker.hosting import models
from sagelab.services.sagemaker.jobs import credentials

GROUP = "/aws/sagemaker/TransformJobs"


def job_dir(data_dir: Path, region: str, name: str) -> JobDir:
    return JobDir(data_dir / "transform-jobs" / region / name)


def hosts(doc: dict[str, Any]) -> list[str]:
    count = int(doc["TransformResources"]["InstanceCount"])
    return [layout.host_name(i) for i in range(count)]


def process_name(account: str, region: str, job: str, host: str) -> str:
    return f"transform-job/{account}/{region}/{job.lower()}/{host}"


def stream_name(job: str, launched: float) -> str:
    """`<job>/<instance-id>-<epoch>`, as SageMaker names an instance's stream."""
    return f"{job}/i-{uuid.uuid4().hex[:17]}-{int(launched)}"


def _spec(doc: dict[str, Any], model: dict[str, Any], algorithm: str, region: str) -> Any:
    container = models.containers(model)[0]
    return {
        "job_name": doc["TransformJobName"],
        "region": region,
        "algorithm": algorithm,
        "model_data_url": container.get("ModelDataUrl"),
        "input": doc["TransformInput"],
        "output": doc["TransformOutput"],
        "batch_strategy": doc.get("BatchStrategy", "MultiRecord"),
        "max_payload_mb": doc.get("MaxPayloadInMB", 6),
        "max_concurrent": doc.get("MaxConcurrentTransforms") or 1,
        "data_processing": doc["DataProcessing"],
        "hosts": hosts(doc),
    }


def prepare(
    job: JobDir, doc: dict[str, Any], model: dict[str, Any], algorithm: str, region: str
) -> None:
    """Lay out the job's files afresh (a name reused after a reset finds no leftovers)."""
    shutil.rmtree(job.root, ignore_errors=True)
    for host in hosts(doc):
        job.base(host).mkdir(parents=True)
    layout.write_json(job.spec, _spec(doc, model, algorithm, region))


def _batch_env(doc: dict[str, Any]) -> dict[str, str]:
    """What SageMaker tells a container it serves a transform job (contracts §2.1)."""
    env = {"SAGEMAKER_BATCH": "true"}
    chosen = {
        "SAGEMAKER_MAX_PAYLOAD_IN_MB": doc.get("MaxPayloadInMB"),
        "SAGEMAKER_BATCH_STRATEGY": {
            "MultiRecord": "MULTI_RECORD",
            "SingleRecord": "SINGLE_RECORD",
        }.get(doc.get("BatchStrategy", "")),
        "SAGEMAKER_MAX_CONCURRENT_TRANSFORMS": doc.get("MaxConcurrentTransforms"),
    }
    env.update({k: str(v) for k, v in chosen.items() if v is not None})
    return env


def specs(
    settings: Settings,
    job: JobDir,
    doc: dict[str, Any],
    model: dict[str, Any],
    account: str,
    region: str,
) -> list[ProcessSpec]:
    credentials.write_aws_config(job, region)
    container = models.containers(model)[0]
    env = {
        **container.get("Environment", {}),
        **doc.get("Environment", {}),
        **_batch_env(doc),
        **credentials.base_env(settings.endpoint_url, job, region),
    }
    return [
        ProcessSpec(
            name=process_name(account, region, doc["TransformJobName"], host),
            argv=[sys.executable, "-m", "sagelab.container.transform", str(job.root), host],
            cwd=job.base(host),
            env={**env, "SAGEMAKER_BASE_DIR": str(job.base(host))},
            log_path=job.log(host),
        )
        for host in hosts(doc)
    ]
