"""Starting a job's hosts: one runner process per instance, acting as the execution role.

The child's boto3 gets the role's session through `credential_process` in its own AWS config
file, which reads a JSON file the reconciler rewrites before the session expires (botocore
re-runs the process as expiry nears), so long jobs keep working and no root key is ever
handed to a job.
"""

from __future__ import annotations

import shlex
import sys
import time
from datetime import UTC, datetime
from typing import Any

from sagelab.config import Settings
from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.runner.base import ProcessSpec
from sagelab.services.iam.sessions import mint_role_session
from sagelab.store.metadata import MetadataStore

SESSION_SECONDS = 3600
REFRESH_BEFORE = 1800  # well before botocore's own 15-minute refresh window
_SESSION_NAME = "SageMaker"


def process_name(account: str, region: str, job: str, host: str) -> str:
    return f"training-job/{account}/{region}/{job.lower()}/{host}"


def write_credentials(meta: MetadataStore, job: JobDir, account: str, role_arn: str) -> None:
    credential = mint_role_session(meta, account, role_arn, _SESSION_NAME, SESSION_SECONDS)
    expires = credential.expires_at or time.time() + SESSION_SECONDS
    layout.write_json(
        job.credentials,
        {
            "Version": 1,
            "AccessKeyId": credential.access_key_id,
            "SecretAccessKey": credential.secret_access_key,
            "SessionToken": credential.session_token,
            "Expiration": datetime.fromtimestamp(expires, UTC).isoformat(),
        },
    )


def credentials_expire_soon(job: JobDir, now: float) -> bool:
    current = layout.read_json(job.credentials)
    if current is None:
        return False
    expires = datetime.fromisoformat(current["Expiration"]).timestamp()
    return expires - now < REFRESH_BEFORE


def _aws_config(job: JobDir, region: str) -> None:
    command = shlex.join(["cat", str(job.credentials)])
    job.aws_config.write_text(f"[default]\nregion = {region}\ncredential_process = {command}\n")


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
        "AWS_ENDPOINT_URL": endpoint,
        "S3_ENDPOINT_URL": endpoint,  # what sagemaker-training reads
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "SAGEMAKER_REGION": region,
        "AWS_CONFIG_FILE": str(job.aws_config),
        # Nothing but the role: no shared credentials file, no instance metadata.
        "AWS_SHARED_CREDENTIALS_FILE": str(job.root / "no-shared-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }


def specs(
    settings: Settings, job: JobDir, doc: dict[str, Any], account: str, region: str
) -> list[ProcessSpec]:
    _aws_config(job, region)
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
