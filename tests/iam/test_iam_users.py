"""An administrator manages IAM users with boto3."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _name(tag: str = "user") -> str:
    return f"{tag}-{uuid.uuid4().hex[:10]}"


def test_create_get_delete(client: Any, server: Any) -> None:
    iam = client("iam")
    name = _name()
    boundary = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    created = iam.create_user(
        UserName=name,
        Path="/team/",
        PermissionsBoundary=boundary,
        Tags=[{"Key": "team", "Value": "ml"}],
    )["User"]
    assert created["UserName"] == name
    assert created["Path"] == "/team/"
    assert created["Arn"] == f"arn:aws:iam::{server.account_id}:user/team/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    got = iam.get_user(UserName=name.upper())["User"]
    assert got["UserName"] == name
    assert got["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    assert got["Tags"] == [{"Key": "team", "Value": "ml"}]
    assert got["CreateDate"] == created["CreateDate"]
    iam.delete_user(UserName=name)
    with pytest.raises(iam.exceptions.NoSuchEntityException) as err:
        iam.get_user(UserName=name)
    assert err.value.response["Error"]["Message"] == f"The user with name {name} cannot be found."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_duplicate_names_differ_only_in_case(client: Any) -> None:
    iam = client("iam")
    name = _name("Dup")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as err:
        iam.create_user(UserName=name.lower())
    error = err.value.response["Error"]
    assert error["Code"] == "EntityAlreadyExists"
    assert error["Message"] == f"User with name {name.lower()} already exists."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_delete_missing_user(client: Any) -> None:
    with pytest.raises(client("iam").exceptions.NoSuchEntityException):
        client("iam").delete_user(UserName=_name())


def test_root_get_user_without_name(client: Any, server: Any) -> None:
    me = client("iam").get_user()["User"]
    assert me["UserId"] == server.account_id
    assert me["Arn"] == f"arn:aws:iam::{server.account_id}:root"


def test_list_users_pages_and_path_prefix(client: Any) -> None:
    iam = client("iam")
    path = f"/{_name('p')}/"
    names = sorted(_name("pg") for _ in range(5))
    for n in names:
        iam.create_user(UserName=n, Path=path)
    first = iam.list_users(PathPrefix=path, MaxItems=2)
    assert [u["UserName"] for u in first["Users"]] == names[:2]
    assert first["IsTruncated"] is True
    rest = iam.list_users(PathPrefix=path, Marker=first["Marker"], MaxItems=10)
    assert [u["UserName"] for u in rest["Users"]] == names[2:]
    assert rest["IsTruncated"] is False and "Marker" not in rest
    pages = iam.get_paginator("list_users").paginate(
        PathPrefix=path, PaginationConfig={"PageSize": 2}
    )
    assert [u["UserName"] for page in pages for u in page["Users"]] == names
    assert all(u["Path"] == path for u in rest["Users"])
