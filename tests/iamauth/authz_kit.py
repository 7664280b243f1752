"""People for the enforcement stories: IAM users the root creates through the IAM API, each
with its own access key, and clients that sign as them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from sagelab.testing import SagelabServer

SAGEMAKER_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sagemaker.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def managed(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@dataclass
class Person:
    server: SagelabServer
    name: str
    arn: str
    key_id: str
    secret: str
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self.clients:
            self.clients[service] = self.server.client(
                service, aws_access_key_id=self.key_id, aws_secret_access_key=self.secret
            )
        return self.clients[service]

    def env(self) -> dict[str, str]:
        env = self.server.env()
        env.update(AWS_ACCESS_KEY_ID=self.key_id, AWS_SECRET_ACCESS_KEY=self.secret)
        return env


MakePerson = Callable[..., Person]


@pytest.fixture
def person(server: SagelabServer) -> MakePerson:
    """`person("ReadOnlyAccess", inline=policy(...))`: a new user with those managed policies
    (by name or ARN) and inline policy attached."""
    iam = server.client("iam")

    def make(*policies: str, inline: str | None = None) -> Person:
        name = unique("user")
        user = iam.create_user(UserName=name)["User"]
        for p in policies:
            iam.attach_user_policy(
                UserName=name, PolicyArn=p if p.startswith("arn:") else managed(p)
            )
        if inline is not None:
            iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=inline)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Person(server, name, user["Arn"], key["AccessKeyId"], key["SecretAccessKey"])

    return make


@pytest.fixture
def bucket(client: Callable[..., Any]) -> Callable[[str], str]:
    """A new bucket made by the root, its name starting with `prefix`."""

    def make(prefix: str = "data") -> str:
        name = unique(prefix)
        client("s3").create_bucket(Bucket=name)
        return name

    return make


def not_allowed(who: str, action: str, resource: str, *, quoted: bool = False) -> str:
    """AWS's wording of an implicit deny."""
    on = f'"{resource}"' if quoted else resource
    return (
        f"User: {who} is not authorized to perform: {action} on resource: {on} "
        f"because no identity-based policy allows the {action} action"
    )
