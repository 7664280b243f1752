"""Notebook instances: the lesson's clicks (create with a new execution role, Open JupyterLab,
Start, Stop, Update settings, Delete), each one a SageMaker call as the signed-in principal."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from starlette.responses import JSONResponse, Response

from sagelab.console import iam_roles
from sagelab.console.listing import IAM, SAGEMAKER, console_page, every_item
from sagelab.console.pagekit import Crumb, PageContext, page, url
from sagelab.console.pages.sagemaker import BASE, EMPTY, crumbs, enum, render
from sagelab.gateway.errors import ServiceError

PATH = BASE + "/notebook-instances"
TITLE = "Notebook instances"
PLATFORMS = [
    ("notebook-al2-v3", "Amazon Linux 2, Jupyter Lab 4 (notebook-al2-v3)"),
    ("notebook-al2-v2", "Amazon Linux 2, Jupyter Lab 3 (notebook-al2-v2)"),
    ("notebook-al2-v1", "Amazon Linux 2, Jupyter Lab 1 (notebook-al2-v1)"),
]
ROOT_ACCESS = [
    ("Enabled", "Enable - Give users root access to the notebook"),
    ("Disabled", "Disable - Don't give users root access to the notebook"),
]
NEW_ROLE = "__create_new_role__"
# The list's Actions (the page enables each only in the statuses AWS allows it in).
ACTIONS = {
    "start": "StartNotebookInstance",
    "stop": "StopNotebookInstance",
    "delete": "DeleteNotebookInstance",
}
DONE = {"start": "Starting", "stop": "Stopping", "delete": "Deleting"}


def _list(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "notebooks.html",
        title=TITLE,
        crumbs=crumbs(Crumb(TITLE)),
        **console_page(pc, SAGEMAKER, "ListNotebookInstances", "NotebookInstances"),
        base=url(PATH),
        empty=EMPTY,
        error=error,
    )


@page(PATH)
def notebook_instances(pc: PageContext) -> Response:
    return _list(pc)


def _act(pc: PageContext, action: str) -> Response:
    name = pc.field("selected")
    try:
        pc.call("sagemaker", ACTIONS[action], NotebookInstanceName=name)
    except ServiceError as err:
        return _list(pc, err)
    return pc.redirect(url(PATH), flash=f"{DONE[action]} notebook instance {name}.")


@page(PATH + "/start", methods=("POST",))
def notebook_start(pc: PageContext) -> Response:
    return _act(pc, "start")


@page(PATH + "/stop", methods=("POST",))
def notebook_stop(pc: PageContext) -> Response:
    return _act(pc, "stop")


@page(PATH + "/delete", methods=("POST",))
def notebook_delete(pc: PageContext) -> Response:
    return _act(pc, "delete")


# --- the create and update forms ---------------------------------------------------------


def _sagemaker_roles(pc: PageContext) -> list[tuple[str, str]]:
    """Roles SageMaker may assume: those whose trust policy names sagemaker.amazonaws.com."""
    return [
        (role["Arn"], role["RoleName"])
        for role in every_item(pc, IAM, "ListRoles", "Roles", size=1000)
        if "sagemaker.amazonaws.com" in unquote(str(role.get("AssumeRolePolicyDocument")))
    ]


def _lifecycle_configs(pc: PageContext) -> list[tuple[str, str]]:
    configs = every_item(
        pc,
        SAGEMAKER,
        "ListNotebookInstanceLifecycleConfigs",
        "NotebookInstanceLifecycleConfigs",
        size=100,
    )
    names = sorted(str(c["NotebookInstanceLifecycleConfigName"]) for c in configs)
    return [("", "No configuration"), *((n, n) for n in names)]


def _roles_or_refusal(pc: PageContext) -> tuple[list[tuple[str, str]], str | None]:
    """A user who may not list roles still sees the form (and why the list is empty)."""
    try:
        return _sagemaker_roles(pc), None
    except ServiceError as err:
        return [], err.message


def _form_choices(pc: PageContext, current_role: str = "") -> dict[str, Any]:
    """The selects' options (instance types as the API model lists them); the instance's
    own role stays offered even when its trust policy no longer names SageMaker."""
    roles, refused = _roles_or_refusal(pc)
    if current_role and current_role not in (arn for arn, _ in roles):
        roles.append((current_role, current_role.rsplit("/", 1)[-1]))
    return {
        "instance_types": [(t, t) for t in enum("InstanceType")],
        "platforms": PLATFORMS,
        "root_access": ROOT_ACCESS,
        "roles": roles,
        "roles_refused": refused,
        "lifecycle_configs": _lifecycle_configs(pc),
        "new_role": NEW_ROLE,
    }


def _values(pc: PageContext) -> dict[str, Any]:
    return {
        "name": pc.field("name"),
        "instance_type": pc.field("instance_type", "ml.t2.medium"),
        "platform": pc.field("platform", "notebook-al2-v3"),
        "lifecycle_config": pc.field("lifecycle_config"),
        "volume": pc.field("volume", "5"),
        "role_arn": pc.field("role_arn"),
        "root_access": pc.field("root_access", "Enabled"),
    }


def _create_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "notebook_create.html",
        title="Create notebook instance",
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb("Create notebook instance")),
        values=_values(pc),
        choices=_form_choices(pc),
        error=error,
    )


@page(PATH + "/create")
def notebook_create(pc: PageContext) -> Response:
    return _create_form(pc)


def _volume(pc: PageContext) -> int | None:
    text = pc.field("volume").strip()
    return int(text) if text.isdigit() else None


@page(PATH + "/create", methods=("POST",))
def notebook_create_submit(pc: PageContext) -> Response:
    name = pc.field("name").strip()
    try:
        pc.call(
            "sagemaker",
            "CreateNotebookInstance",
            NotebookInstanceName=name,
            InstanceType=pc.field("instance_type"),
            RoleArn=pc.field("role_arn"),
            PlatformIdentifier=pc.field("platform") or None,
            LifecycleConfigName=pc.field("lifecycle_config") or None,
            VolumeSizeInGB=_volume(pc),
            RootAccess=pc.field("root_access") or None,
        )
    except ServiceError as err:
        return _create_form(pc, err)
    return pc.redirect(url(PATH), flash=f"Success! Your notebook instance {name} is being created.")


@page(PATH + "/create-role", methods=("POST",))
def notebook_create_role(pc: PageContext) -> Response:
    """The "Create an IAM role" dialog, posted with fetch(): answers the new role's ARN."""
    buckets = [b.strip() for b in pc.field("buckets").split(",") if b.strip()]
    access = pc.field("s3_access")
    if access not in iam_roles.S3_ACCESS_CHOICES:
        return JSONResponse({"error": "Choose the S3 buckets the role may use."}, status_code=400)
    try:
        arn = iam_roles.create_sagemaker_execution_role(pc, access, buckets)
    except ServiceError as err:
        return JSONResponse({"error": err.message}, status_code=err.status)
    return JSONResponse({"arn": arn, "name": arn.rsplit("/", 1)[-1]})


def _describe(pc: PageContext) -> dict[str, Any]:
    return pc.call(
        "sagemaker", "DescribeNotebookInstance", NotebookInstanceName=pc.path_param("name")
    )


@page(PATH + "/{name}")
def notebook_detail(pc: PageContext) -> Response:
    nb = _describe(pc)
    name = nb["NotebookInstanceName"]
    return render(
        pc,
        "notebook_detail.html",
        title=name,
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb(name)),
        nb=nb,
    )


@page(PATH + "/{name}/open")
def notebook_open(pc: PageContext) -> Response:
    """Open Jupyter / Open JupyterLab: a one-time presigned URL, reached at the address the
    browser already uses for sagelab. Both land in JupyterLab: the instances run JupyterLab
    only (its file browser stands in for the classic tree)."""
    presigned = pc.call(
        "sagemaker",
        "CreatePresignedNotebookInstanceUrl",
        NotebookInstanceName=pc.path_param("name"),
    )["AuthorizedUrl"]
    parts = urlsplit(presigned)
    return pc.redirect(f"{pc.endpoint_url}{parts.path}?{parts.query}")


def _edit_form(
    pc: PageContext, values: dict[str, Any], error: ServiceError | None = None
) -> Response:
    name = pc.path_param("name")
    return render(
        pc,
        "notebook_edit.html",
        title=f"Edit {name}",
        crumbs=crumbs(Crumb(TITLE, url(PATH)), Crumb(name, url(f"{PATH}/{name}")), Crumb("Edit")),
        name=name,
        values=values,
        choices=_form_choices(pc, values["role_arn"]),
        error=error,
    )


@page(PATH + "/{name}/edit")
def notebook_edit(pc: PageContext) -> Response:
    nb = _describe(pc)
    values = {
        "instance_type": nb["InstanceType"],
        "lifecycle_config": nb.get("NotebookInstanceLifecycleConfigName", ""),
        "volume": str(nb.get("VolumeSizeInGB", "")),
        "role_arn": nb["RoleArn"],
        "root_access": nb.get("RootAccess", "Enabled"),
    }
    return _edit_form(pc, values)


@page(PATH + "/{name}/edit", methods=("POST",))
def notebook_edit_submit(pc: PageContext) -> Response:
    name = pc.path_param("name")
    config = pc.field("lifecycle_config")
    try:
        pc.call(
            "sagemaker",
            "UpdateNotebookInstance",
            NotebookInstanceName=name,
            InstanceType=pc.field("instance_type"),
            RoleArn=pc.field("role_arn"),
            VolumeSizeInGB=_volume(pc),
            RootAccess=pc.field("root_access") or None,
            LifecycleConfigName=config or None,
            DisassociateLifecycleConfig=None if config else True,
        )
    except ServiceError as err:
        return _edit_form(pc, _values(pc), err)
    return pc.redirect(url(f"{PATH}/{name}"), flash=f"Updated notebook instance {name}.")


ROUTES = [
    notebook_instances,
    notebook_start,
    notebook_stop,
    notebook_delete,
    notebook_create,
    notebook_create_submit,
    notebook_create_role,
    notebook_open,
    notebook_edit,
    notebook_edit_submit,
    notebook_detail,
]
