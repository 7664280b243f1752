"""A job's AWS identity: the execution role's session, handed to its child processes.

The child's boto3 gets the role's session through `credential_process` in its own AWS config
file, which reads a JSON file the reconciler rewrites before the session expires (botocore
re-runs the process as expiry nears), so long jobs keep working and no root key is ever
handed to a job.
"""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime

from sagelab.container import layout
from sagelab.container.layout import JobDir
from sagelab.services.iam.sessions import mint_role_session
from sagelab.store.metadata import MetadataStore

SESSION_SECONDS = 3600
REFRESH_BEFORE = 1800  # well before botocore's own 15-minute refresh window
_SESSION_NAME = "SageMaker"


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


def write_aws_config(job: JobDir, region: str) -> None:
    command = shlex.join(["cat", str(job.credentials)])
    job.aws_config.write_text(f"[default]\nregion = {region}\ncredential_process = {command}\n")


def base_env(endpoint: str, job: JobDir, region: str) -> dict[str, str]:
    """The environment that points a child's boto3 at sagelab as the role, and nothing else."""
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "SAGEMAKER_REGION": region,
        "AWS_CONFIG_FILE": str(job.aws_config),
        # Nothing but the role: no shared credentials file, no instance metadata.
        "AWS_SHARED_CREDENTIALS_FILE": str(job.root / "no-shared-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONUNBUFFERED": "1",
    }
