"""The notebook API's answers that need no running JupyterLab: validation, lifecycle
configurations, listings, and the transitions SageMaker refuses."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from nb_kit import TRUST, wait_gone, wait_status


def _b64(script: str) -> list[dict[str, str]]:
    return [{"Content": base64.b64encode(script.encode()).decode()}]


def _error(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


@pytest.fixture
def sm(client: Callable[..., Any]) -> Any:
    return client("sagemaker")


def test_describe_missing_instance_is_a_validation_error(sm: Any) -> None:
    with pytest.raises(ClientError) as err:
        sm.describe_notebook_instance(NotebookInstanceName="never-made")
    assert _error(err) == ("ValidationException", "RecordNotFound")


def test_lifecycle_config_crud(sm: Any, server: Any) -> None:
    name = f"lcc-{uuid.uuid4().hex[:8]}"
    arn = sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name, OnStart=_b64("echo hi")
    )["NotebookInstanceLifecycleConfigArn"]
    assert arn.endswith(f":notebook-instance-lifecycle-config/{name}")
    desc = sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    assert desc["OnStart"] == _b64("echo hi") and "OnCreate" not in desc
    with pytest.raises(ClientError) as dup:
        sm.create_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    assert _error(dup)[0] == "ValidationException" and "already exists" in _error(dup)[1]

    sm.update_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name, OnCreate=_b64("touch x")
    )
    desc = sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    assert desc["OnCreate"] == _b64("touch x") and desc["OnStart"] == _b64("echo hi")
    listed = sm.list_notebook_instance_lifecycle_configs(NameContains=name)
    assert [
        c["NotebookInstanceLifecycleConfigArn"] for c in listed["NotebookInstanceLifecycleConfigs"]
    ] == [arn]

    sm.delete_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    with pytest.raises(ClientError) as gone:
        sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    assert _error(gone) == (
        "ValidationException",
        f"Unable to describe Notebook Instance Lifecycle Config '{arn}'. "
        "(Details: Notebook Instance Lifecycle Config does not exist.)",
    )


def test_create_refuses_what_sagemaker_refuses(
    sm: Any, role_arn: str, client: Callable[..., Any]
) -> None:
    base = {"NotebookInstanceName": f"bad-{uuid.uuid4().hex[:8]}", "InstanceType": "ml.t3.medium",
            "RoleArn": role_arn}  # fmt: skip
    with pytest.raises(ClientError) as lcc:
        sm.create_notebook_instance(**base, LifecycleConfigName="no-such-config")
    assert _error(lcc)[0] == "ValidationException" and "does not exist" in _error(lcc)[1]
    with pytest.raises(ClientError) as kind:
        sm.create_notebook_instance(**{**base, "InstanceType": "ml.nope.large"})
    assert _error(kind)[0] == "ValidationException"
    for extra, named in (
        ({"DefaultCodeRepository": "https://github.com/aws/amazon-sagemaker-examples"}, "github"),
        ({"DirectInternetAccess": "Disabled"}, "DirectInternetAccess"),
        ({"SubnetId": "subnet-0123456789abcdef0"}, "SubnetId"),
    ):
        with pytest.raises(ClientError) as unbuilt:
            sm.create_notebook_instance(**base, **extra)
        assert unbuilt.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501
        assert named in _error(unbuilt)[1]

    iam = client("iam")
    ec2_trust = json.loads(
        json.dumps(TRUST).replace("sagemaker.amazonaws.com", "ec2.amazonaws.com")
    )
    untrusting = iam.create_role(
        RoleName=f"ec2-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=json.dumps(ec2_trust)
    )["Role"]["Arn"]
    with pytest.raises(ClientError) as trust:
        sm.create_notebook_instance(**{**base, "RoleArn": untrusting})
    assert _error(trust) == (
        "ValidationException",
        f"Could not assume role {untrusting}. Please ensure that the role exists and allows "
        "principal 'sagemaker.amazonaws.com' to assume the role.",
    )
    with pytest.raises(ClientError):
        sm.describe_notebook_instance(NotebookInstanceName=base["NotebookInstanceName"])


def test_failing_instances_list_refuse_update_and_delete(sm: Any, role_arn: str) -> None:
    """A failing OnStart script makes cheap Failed instances (no JupyterLab is started)."""
    tag = uuid.uuid4().hex[:6]
    config = f"fail-{tag}"
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=config, OnStart=_b64("echo broken; exit 3")
    )
    names = [f"list-{tag}-{i}" for i in range(3)]
    for name in names:
        sm.create_notebook_instance(
            NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn,
            LifecycleConfigName=config,
        )  # fmt: skip
    for name in names:
        desc = wait_status(sm, name, "Failed")
        assert "LifecycleConfigOnStart" in desc["FailureReason"]

    first = sm.list_notebook_instances(
        NameContains=tag, SortBy="Name", SortOrder="Ascending", MaxResults=2
    )
    rest = sm.list_notebook_instances(
        NameContains=tag,
        SortBy="Name",
        SortOrder="Ascending",
        MaxResults=2,
        NextToken=first["NextToken"],
    )
    listed = first["NotebookInstances"] + rest["NotebookInstances"]
    assert [s["NotebookInstanceName"] for s in listed] == names and "NextToken" not in rest
    assert {s["NotebookInstanceStatus"] for s in listed} == {"Failed"}
    assert listed[0]["NotebookInstanceLifecycleConfigName"] == config
    assert (
        sm.list_notebook_instances(StatusEquals="InService", NameContains=tag)["NotebookInstances"]
        == []
    )

    with pytest.raises(ClientError) as update:
        sm.update_notebook_instance(NotebookInstanceName=names[0], InstanceType="ml.t3.large")
    assert _error(update)[1].startswith(
        "Status (Failed) not in ([Stopped]). Unable to transition to (Updating)"
    )
    with pytest.raises(ClientError) as stop:
        sm.stop_notebook_instance(NotebookInstanceName=names[0])
    assert _error(stop)[1].startswith("Status (Failed) not in ([InService])")

    for name in names:
        sm.delete_notebook_instance(NotebookInstanceName=name)
    for name in names:
        wait_gone(sm, name)


def _names(page: dict[str, Any]) -> list[str]:
    return [s["NotebookInstanceName"] for s in page["NotebookInstances"]]


def test_list_filters_on_configs_and_repositories(sm: Any, role_arn: str) -> None:
    tag = uuid.uuid4().hex[:6]
    configs = [f"filter-{tag}-a", f"filter-{tag}-b"]
    for config in configs:
        sm.create_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=config, OnStart=_b64("exit 1")
        )
    made = {
        f"flt-{tag}-0": {"LifecycleConfigName": configs[0], "DefaultCodeRepository": f"Main-{tag}"},
        f"flt-{tag}-1": {"LifecycleConfigName": configs[0],
                         "AdditionalCodeRepositories": [f"extra-{tag}", f"more-{tag}"]},
        f"flt-{tag}-2": {"LifecycleConfigName": configs[1]},
    }  # fmt: skip
    for name, extra in made.items():
        sm.create_notebook_instance(
            NotebookInstanceName=name, InstanceType="ml.t3.medium", RoleArn=role_arn, **extra
        )
    names = list(made)
    order = {"SortBy": "Name", "SortOrder": "Ascending"}

    by_config = sm.list_notebook_instances(
        NotebookInstanceLifecycleConfigNameContains=f"{tag}-A", **order
    )
    assert _names(by_config) == names[:2]
    assert _names(sm.list_notebook_instances(DefaultCodeRepositoryContains=f"main-{tag}")) == [
        names[0]
    ]
    assert _names(sm.list_notebook_instances(AdditionalCodeRepositoryEquals=f"more-{tag}")) == [
        names[1]
    ]
    assert _names(sm.list_notebook_instances(AdditionalCodeRepositoryEquals=f"MORE-{tag}")) == []
    first = sm.list_notebook_instances(
        NotebookInstanceLifecycleConfigNameContains=f"filter-{tag}", MaxResults=2, **order
    )
    rest = sm.list_notebook_instances(
        NotebookInstanceLifecycleConfigNameContains=f"filter-{tag}",
        MaxResults=2,
        NextToken=first["NextToken"],
        **order,
    )
    assert _names(first) + _names(rest) == names and "NextToken" not in rest

    sm.update_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=configs[0], OnStart=_b64("exit 2")
    )
    by_modified = sm.list_notebook_instance_lifecycle_configs(
        NameContains=f"filter-{tag}", SortBy="LastModifiedTime", SortOrder="Ascending"
    )["NotebookInstanceLifecycleConfigs"]
    assert [c["NotebookInstanceLifecycleConfigName"] for c in by_modified] == configs[::-1]

    for name in names:
        wait_status(sm, name, "Failed")
        sm.delete_notebook_instance(NotebookInstanceName=name)
    for name in names:
        wait_gone(sm, name)
