"""ARNs and AWS-style identifiers: one builder per ARN kind, one parser, the id generators.

SageMaker lower-cases the name part of endpoint, endpoint-config and model ARNs while the
`*Name` fields keep their case (contracts §3.4), so those builders lower-case and every ARN
look-up should compare case-insensitively.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

PARTITION = "aws"
_LOWER_CASED_SAGEMAKER_KINDS = frozenset({"endpoint", "endpoint-config", "model"})
_ID_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """`user` in `user/path/name`, `log-group` in `log-group:name:*`."""
        return _split_resource(self.resource)[0]

    @property
    def resource_id(self) -> str:
        """What follows the resource type: `path/name`, `name:*`, a bucket's `bucket/key`."""
        return _split_resource(self.resource)[1]

    @property
    def name(self) -> str:
        """The last `/`-separated part of the resource id (an IAM name without its path)."""
        return self.resource_id.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return ":".join(
            ("arn", self.partition, self.service, self.region, self.account, self.resource)
        )


def _split_resource(resource: str) -> tuple[str, str]:
    cut = min((i for i in (resource.find("/"), resource.find(":")) if i >= 0), default=-1)
    if cut < 0:
        return resource, ""
    return resource[:cut], resource[cut + 1 :]


def parse(text: str) -> Arn:
    """Split an ARN; ValueError when `text` is not one."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        raise ValueError(f"not an ARN: {text!r}")
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def try_parse(text: str) -> Arn | None:
    try:
        return parse(text)
    except ValueError:
        return None


def _build(service: str, region: str, account: str, resource: str) -> str:
    return str(Arn(PARTITION, service, region, account, resource))


def _iam(account: str, kind: str, name: str, path: str) -> str:
    return _build("iam", "", account, f"{kind}{path}{name}")


def iam_user(account: str, name: str, path: str = "/") -> str:
    return _iam(account, "user", name, path)


def iam_role(account: str, name: str, path: str = "/") -> str:
    return _iam(account, "role", name, path)


def iam_group(account: str, name: str, path: str = "/") -> str:
    return _iam(account, "group", name, path)


def iam_policy(account: str, name: str, path: str = "/") -> str:
    """A customer-managed policy; AWS-managed ones use `account="aws"`."""
    return _iam(account, "policy", name, path)


def iam_root(account: str) -> str:
    return _build("iam", "", account, "root")


def sts_assumed_role(account: str, role_name: str, session_name: str) -> str:
    return _build("sts", "", account, f"assumed-role/{role_name}/{session_name}")


def s3_bucket(bucket: str) -> str:
    return _build("s3", "", "", bucket)


def s3_object(bucket: str, key: str) -> str:
    return _build("s3", "", "", f"{bucket}/{key}")


def sagemaker(region: str, account: str, kind: str, name: str) -> str:
    """`kind` as it appears in the ARN: training-job, endpoint, notebook-instance..."""
    if kind in _LOWER_CASED_SAGEMAKER_KINDS:
        name = name.lower()
    return _build("sagemaker", region, account, f"{kind}/{name}")


def logs_group(region: str, account: str, name: str, *, wildcard: bool = True) -> str:
    """DescribeLogGroups reports both forms: `arn` ends in `:*`, `logGroupArn` does not."""
    suffix = ":*" if wildcard else ""
    return _build("logs", region, account, f"log-group:{name}{suffix}")


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def unique_id(prefix: str) -> str:
    """An IAM unique id: `AIDA` user, `AROA` role, `AGPA` group, `ANPA` policy + 17 chars."""
    return prefix + _random(_ID_ALPHABET, 17)


def access_key_id(*, temporary: bool = False) -> str:
    """20 characters: `AKIA` for long-term keys, `ASIA` for STS session keys."""
    return ("ASIA" if temporary else "AKIA") + _random(_ID_ALPHABET, 16)


def secret_access_key() -> str:
    return _random(_SECRET_ALPHABET, 40)
