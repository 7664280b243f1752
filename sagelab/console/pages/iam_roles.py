"""IAM roles: list, detail (trust relationships, permissions), "Create role" for an AWS
service use case (SageMaker) or a custom trust policy, and delete with the console's
cascade (policies detached, inline policies deleted first)."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console.iam_roles import SAGEMAKER_FULL_ACCESS, sagemaker_trust_policy
from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import (
    delete_selected,
    drop_permissions,
    list_page,
    permissions,
    render,
)
from sagelab.gateway.errors import ServiceError

# The "AWS service" use cases offered: the trust policy and the policies AWS attaches.
USE_CASES = {"SageMaker": (sagemaker_trust_policy, [SAGEMAKER_FULL_ACCESS])}


@page("/iam/roles")
def roles(pc: PageContext) -> Response:
    return list_page(pc, "ListRoles", "roles", "Roles")


def _create_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "iam/role_create.html",
        "Create role",
        "roles",
        [("Roles", url("/iam/roles")), ("Create role", None)],
        use_cases=[(name, name) for name in USE_CASES],
        entity=pc.field("entity") or "service",
        use_case=pc.field("use_case") or "SageMaker",
        role_name=pc.field("role_name"),
        description=pc.field("description"),
        trust=pc.field("trust_policy") or sagemaker_trust_policy(),
        error=error,
    )


@page("/iam/roles/create")
def role_create(pc: PageContext) -> Response:
    return _create_form(pc)


@page("/iam/roles/create", methods=("POST",))
def role_create_submit(pc: PageContext) -> Response:
    name = pc.field("role_name").strip()
    attach: list[str] = []
    if pc.field("entity") == "custom":
        trust = pc.field("trust_policy")
    else:
        make_trust, attach = USE_CASES[pc.field("use_case") or "SageMaker"]
        trust = make_trust()
    try:
        pc.call(
            "iam",
            "CreateRole",
            RoleName=name,
            AssumeRolePolicyDocument=trust,
            Description=pc.field("description") or None,
        )
        for arn in attach:
            pc.call("iam", "AttachRolePolicy", RoleName=name, PolicyArn=arn)
    except ServiceError as err:
        return _create_form(pc, err)
    return pc.redirect(url("/iam/roles"), flash=f"Role {name} created.")


@page("/iam/roles/{name}")
def role_detail(pc: PageContext) -> Response:
    name = pc.path_param("name")
    role = pc.call("iam", "GetRole", RoleName=name)["Role"]
    return render(
        pc,
        "iam/role.html",
        name,
        "roles",
        [("Roles", url("/iam/roles")), (name, None)],
        role=role,
        **permissions(pc, "Role", RoleName=name),
    )


def delete_role_cascade(pc: PageContext, name: str) -> None:
    drop_permissions(pc, "Role", RoleName=name)
    pc.call("iam", "DeleteRole", RoleName=name)


@page("/iam/roles/delete", methods=("POST",))
def roles_delete(pc: PageContext) -> Response:
    return delete_selected(pc, delete_role_cascade, url("/iam/roles"))


ROUTES = [roles, role_create, role_create_submit, roles_delete, role_detail]
