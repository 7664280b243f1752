"""Starting a job's hosts: one runner process per instance, acting as the execution role
(`sagelab.services.sagemaker.jobs.credentials`)."""

from __future__ import annotations

import sys
from typing import Any

from sagelab.config import Settings
from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.runner.base import ProcessSpec
from sagelab.services.sagemaker.jobs import credentials


def process_name(account: str, region: str, job: str, host: str) -> str:
    return f"training-job/{account}/{region}/{job.lower()}/{host}"


def _env(
    settings: Settings, job: JobDir, doc: dict[str, Any], region: str, host: str
) -> dict[str, str]:
    endpoint = settings.endpoint_url
    return {
        **doc.get("Environment", {}),
        "TRAINING_JOB_NAME": doc["TrainingJobName"],
        "TRAINING_JOB_ARN": doc["TrainingJobArn"],
        "SAGEMAKER_BASE_DIR": str(job.base(host)),
        "SM_STUDIO_LOCAL_MODE": "true",
        "S3_ENDPOINT_URL": endpoint,  # what sagemaker-training reads
        **credentials.base_env(endpoint, job, region),
    }


def specs(
    settings: Settings, job: JobDir, doc: dict[str, Any], account: str, region: str
) -> list[ProcessSpec]:
    credentials.write_aws_config(job, region)
    names = layout.read_json(job.spec)["hosts"]
    return [
        ProcessSpec(
            name=process_name(account, region, doc["TrainingJobName"], host),
            argv=[sys.executable, "-m", "sagelab.container.train", str(job.root), host],
            cwd=job.base(host),
            env=_env(settings, job, doc, region, host),
            log_path=job.log(host),
        )
        for host in names
    ]
