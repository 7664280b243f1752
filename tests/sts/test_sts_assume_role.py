"""A user assumes a role; temporary credentials are tamper-proof, expire, and die with
their role. Jobs get role sessions minted by the server."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from sagelab.services.iam import keyring
from sagelab.services.iam.sessions import mint_role_session
from sagelab.store.metadata import MetadataStore


def _name(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def _trust(principal: dict[str, Any]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
    )


def _user_with_key(iam: Any) -> tuple[str, dict[str, str]]:
    name = _name("assumer")
    iam.create_user(UserName=name)
    # Allowed by its own policies either way: these tests are about trust and tokens.
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return name, {
        "aws_access_key_id": key["AccessKeyId"],
        "aws_secret_access_key": key["SecretAccessKey"],
    }


def _session_client(client: Any, service: str, creds: dict[str, Any]) -> Any:
    return client(
        service,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def test_assume_role_trusted_by_the_account(client: Any, server: Any) -> None:
    iam = client("iam")
    account = server.account_id
    role = _name("Reader")
    iam.create_role(
        RoleName=role,
        Path="/service/",
        AssumeRolePolicyDocument=_trust({"AWS": f"arn:aws:iam::{account}:root"}),
        MaxSessionDuration=7200,
    )
    user, keys = _user_with_key(iam)
    sts = client("sts", **keys)
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{account}:user/{user}"
    role_arn = f"arn:aws:iam::{account}:role/service/{role}"
    out = sts.assume_role(RoleArn=role_arn, RoleSessionName="alice@lab", DurationSeconds=7200)
    creds = out["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and len(creds["AccessKeyId"]) == 20
    remaining = creds["Expiration"].timestamp() - time.time()
    assert 7100 < remaining <= 7200
    assumed = out["AssumedRoleUser"]
    role_id = iam.get_role(RoleName=role)["Role"]["RoleId"]
    assert assumed["AssumedRoleId"] == f"{role_id}:alice@lab"
    assert assumed["Arn"] == f"arn:aws:sts::{account}:assumed-role/{role}/alice@lab"
    ident = _session_client(client, "sts", creds).get_caller_identity()
    assert ident == {**ident, "Arn": assumed["Arn"], "UserId": assumed["AssumedRoleId"]}


def test_trust_policy_must_name_the_caller(client: Any, server: Any) -> None:
    iam = client("iam")
    role = _name("Private")
    other = f"arn:aws:iam::{server.account_id}:user/someone-else"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=_trust({"AWS": other}))
    user, keys = _user_with_key(iam)
    role_arn = f"arn:aws:iam::{server.account_id}:role/{role}"
    with pytest.raises(ClientError) as err:
        client("sts", **keys).assume_role(RoleArn=role_arn, RoleSessionName="s1")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert err.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{server.account_id}:user/{user} is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}"
    )
    iam.update_assume_role_policy(
        RoleName=role,
        PolicyDocument=_trust({"AWS": f"arn:aws:iam::{server.account_id}:user/{user}"}),
    )
    client("sts", **keys).assume_role(RoleArn=role_arn, RoleSessionName="s1")


def test_duration_beyond_the_roles_maximum(client: Any, server: Any) -> None:
    role = _name("Short")
    client("iam").create_role(
        RoleName=role, AssumeRolePolicyDocument=_trust({"AWS": server.account_id})
    )
    with pytest.raises(ClientError) as err:
        client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{server.account_id}:role/{role}",
            RoleSessionName="long",
            DurationSeconds=3601,
        )
    assert err.value.response["Error"] == {
        **err.value.response["Error"],
        "Code": "ValidationError",
        "Message": "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
        "role.",
    }


def _assumed(client: Any, server: Any, role: str) -> dict[str, Any]:
    client("iam").create_role(
        RoleName=role, AssumeRolePolicyDocument=_trust({"AWS": server.account_id})
    )
    out = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{server.account_id}:role/{role}", RoleSessionName="sess"
    )
    return dict(out["Credentials"])


def test_a_tampered_session_token_is_refused(client: Any, server: Any) -> None:
    creds = _assumed(client, server, _name("Tamper"))
    token = creds["SessionToken"]
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    for bad in (flipped, token + "x", ""):
        sts = _session_client(client, "sts", {**creds, "SessionToken": bad or None})
        with pytest.raises(ClientError) as err:
            sts.get_caller_identity()
        assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_deleting_the_role_ends_its_sessions(client: Any, server: Any) -> None:
    role = _name("Doomed")
    creds = _assumed(client, server, role)
    sts = _session_client(client, "sts", creds)
    assert role in sts.get_caller_identity()["Arn"]
    client("iam").delete_role(RoleName=role)
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "InvalidClientTokenId"


@pytest.fixture
def meta(server: Any) -> Iterator[MetadataStore]:
    """The server's own store, opened beside it, as a job launcher in the server would."""
    store = MetadataStore.open(f"sqlite:///{server.data_dir / 'meta.db'}")
    keyring.attach(store, server.data_dir / "secrets")
    yield store
    store.close()


def test_minted_sessions_act_as_the_role_and_expire(
    client: Any, server: Any, meta: MetadataStore
) -> None:
    role = _name("Execution")
    client("iam").create_role(
        RoleName=role, AssumeRolePolicyDocument=_trust({"Service": "sagemaker.amazonaws.com"})
    )
    arn = f"arn:aws:iam::{server.account_id}:role/{role}"
    cred = mint_role_session(meta, server.account_id, arn, "training-job", duration_seconds=2)
    sts = client(
        "sts",
        aws_access_key_id=cred.access_key_id,
        aws_secret_access_key=cred.secret_access_key,
        aws_session_token=cred.session_token,
    )
    expected = f"arn:aws:sts::{server.account_id}:assumed-role/{role}/training-job"
    assert sts.get_caller_identity()["Arn"] == expected
    time.sleep(max(0.0, (cred.expires_at or 0) - time.time()) + 0.1)
    with pytest.raises(ClientError) as err:
        sts.get_caller_identity()
    assert err.value.response["Error"]["Code"] == "ExpiredToken"


def test_minting_for_a_missing_role(server: Any, meta: MetadataStore) -> None:
    arn = f"arn:aws:iam::{server.account_id}:role/{_name('Missing')}"
    with pytest.raises(Exception) as err:
        mint_role_session(meta, server.account_id, arn, "job")
    assert getattr(err.value, "code", "") == "ValidationException"
    assert str(err.value) == (
        f"Could not assume role {arn}. Please ensure that the role exists and allows "
        "principal 'sagemaker.amazonaws.com' to assume the role."
    )


def test_session_token_for_a_user(client: Any) -> None:
    _, keys = _user_with_key(client("iam"))
    creds = client("sts", **keys).get_session_token(DurationSeconds=900)["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    me = _session_client(client, "sts", creds).get_caller_identity()
    assert me["Arn"] == client("sts", **keys).get_caller_identity()["Arn"]
    with pytest.raises(ClientError) as err:
        _session_client(client, "sts", creds).get_session_token()
    assert err.value.response["Error"]["Code"] == "AccessDenied"
