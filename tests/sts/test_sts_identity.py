"""Who am I: GetCallerIdentity as root, through boto3 and the AWS CLI."""

from __future__ import annotations

import json
from typing import Any


def test_root_identity(client: Any, server: Any) -> None:
    ident = client("sts").get_caller_identity()
    assert ident["Account"] == server.account_id
    assert ident["UserId"] == server.account_id
    assert ident["Arn"] == f"arn:aws:iam::{server.account_id}:root"


def test_cli_identity(cli: Any, server: Any) -> None:
    out = json.loads(cli("sts", "get-caller-identity").stdout)
    assert out["Arn"] == f"arn:aws:iam::{server.account_id}:root"
