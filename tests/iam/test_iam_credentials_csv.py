"""The `credentials.csv` a new user's administrator hands out, and console sign-in checks."""

from __future__ import annotations

import configparser
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

from sagelab.services.iam import console, keyring
from sagelab.services.iam.credentials_file import (
    HEADER,
    CredentialRow,
    console_link,
    credentials_csv,
    generate_password,
)
from sagelab.store.metadata import MetadataStore


def _import_csv(text: str) -> dict[str, dict[str, str]]:
    """What `aws configure import --csv` (CLI v2) does: headers matched case-insensitively
    after a BOM, bare comma split, one profile per row named after the user."""
    lines = text.lstrip("\ufeff").splitlines()
    header = [h.strip().lower() for h in lines[0].split(",")]
    profiles = {}
    for line in lines[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        profiles[row["user name"]] = {
            "aws_access_key_id": row["access key id"],
            "aws_secret_access_key": row["secret access key"],
        }
    return profiles


def test_generated_passwords_never_hold_commas() -> None:
    for _ in range(200):
        password = generate_password()
        assert "," not in password and len(password) == 20
        assert any(c.isdigit() for c in password) and any(c.isupper() for c in password)


def test_a_comma_is_refused() -> None:
    with pytest.raises(ValueError):
        credentials_csv([CredentialRow("a", "p,w", "AKIA", "s", "https://x")])


def test_the_file_configures_a_working_profile(client: Any, server: Any, tmp_path: Path) -> None:
    iam = client("iam")
    user, password = f"alice-{uuid.uuid4().hex[:6]}", generate_password()
    iam.create_user(UserName=user)
    iam.create_login_profile(UserName=user, Password=password)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    link = console_link(server.account_id)
    text = credentials_csv(
        [CredentialRow(user, password, key["AccessKeyId"], key["SecretAccessKey"], link)]
    )
    assert text.splitlines()[0] == HEADER
    assert link == f"https://{server.account_id}.signin.aws.amazon.com/console"
    config = configparser.ConfigParser()
    config.read_dict(_import_csv(text))
    credentials_file = tmp_path / "credentials"
    with credentials_file.open("w") as f:
        config.write(f)
    core = botocore.session.Session()
    core.set_config_variable("credentials_file", str(credentials_file))
    core.set_config_variable("profile", user)
    sts = boto3.Session(botocore_session=core).client(
        "sts", endpoint_url=server.endpoint_url, region_name=server.region
    )
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{user}")


@pytest.fixture
def meta(server: Any) -> Iterator[MetadataStore]:
    store = MetadataStore.open(f"sqlite:///{server.data_dir / 'meta.db'}")
    keyring.attach(store, server.data_dir / "secrets")
    yield store
    store.close()


def test_console_password_check_and_throttle(client: Any, server: Any, meta: Any) -> None:
    iam = client("iam")
    user = f"signin-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    iam.create_login_profile(UserName=user, Password="Right-pass-1")
    account = server.account_id
    who = console.check_console_password(meta, account, user.upper(), "Right-pass-1", "10.0.0.1")
    assert who is not None and who.arn.endswith(f":user/{user}") and who.kind == "user"
    assert console.check_console_password(meta, account, user, "wrong", "10.0.0.2") is None
    # Throttled now from that address: even the right password is not checked.
    assert console.check_console_password(meta, account, user, "Right-pass-1", "10.0.0.2") is None
    assert console.check_console_password(meta, account, user, "Right-pass-1", "10.0.0.3")
    assert console.check_console_password(meta, account, "nobody-here", "x", "10.0.0.4") is None
