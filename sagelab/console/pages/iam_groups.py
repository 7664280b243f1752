"""IAM user groups: list, create (name + policies, with the policy filters), detail (users,
permissions), delete. Deleting a group removes its users and policies first, as the
console does, one IAM call each."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import PAGE_SIZE, all_pages, permissions, render
from sagelab.console.pages.iam_wizard import policy_rows
from sagelab.gateway.errors import ServiceError


@page("/iam/groups")
def groups(pc: PageContext) -> Response:
    out = pc.call("iam", "ListGroups", MaxItems=PAGE_SIZE, Marker=pc.query("next") or None)
    return render(
        pc,
        "iam/groups.html",
        "User groups",
        "groups",
        [("User groups", None)],
        groups=out["Groups"],
        next_token=out.get("Marker"),
    )


def _create_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "iam/group_create.html",
        "Create user group",
        "groups",
        [("User groups", url("/iam/groups")), ("Create user group", None)],
        policies=policy_rows(pc),
        group_name=pc.field("group_name"),
        checked=pc.fields("policy"),
        error=error,
    )


@page("/iam/groups/create")
def group_create(pc: PageContext) -> Response:
    return _create_form(pc)


@page("/iam/groups/create", methods=("POST",))
def group_create_submit(pc: PageContext) -> Response:
    name = pc.field("group_name").strip()
    try:
        pc.call("iam", "CreateGroup", GroupName=name)
        for arn in pc.fields("policy"):
            pc.call("iam", "AttachGroupPolicy", GroupName=name, PolicyArn=arn)
    except ServiceError as err:
        return _create_form(pc, err)
    return pc.redirect(url("/iam/groups"), flash=f"{name} user group created.")


@page("/iam/groups/{name}")
def group_detail(pc: PageContext) -> Response:
    name = pc.path_param("name")
    group = pc.call("iam", "GetGroup", GroupName=name)
    return render(
        pc,
        "iam/group.html",
        name,
        "groups",
        [("User groups", url("/iam/groups")), (name, None)],
        group=group["Group"],
        users=list(all_pages(pc, "GetGroup", "Users", GroupName=name)),
        **permissions(pc, "Group", GroupName=name),
    )


def delete_group_cascade(pc: PageContext, name: str) -> None:
    for user in list(all_pages(pc, "GetGroup", "Users", GroupName=name)):
        pc.call("iam", "RemoveUserFromGroup", GroupName=name, UserName=user["UserName"])
    held = permissions(pc, "Group", GroupName=name)
    for policy in held["attached"]:
        pc.call("iam", "DetachGroupPolicy", GroupName=name, PolicyArn=policy["PolicyArn"])
    for policy_name in held["inline"]:
        pc.call("iam", "DeleteGroupPolicy", GroupName=name, PolicyName=policy_name)
    pc.call("iam", "DeleteGroup", GroupName=name)


@page("/iam/groups/delete", methods=("POST",))
def groups_delete(pc: PageContext) -> Response:
    names = pc.fields("selected")
    try:
        for name in names:
            delete_group_cascade(pc, name)
    except ServiceError as err:
        return pc.redirect(url("/iam/groups"), flash=f"{err.code}: {err.message}", level="error")
    return pc.redirect(url("/iam/groups"), flash=f"Deleted {', '.join(names)}.")


ROUTES = [groups, group_create, group_create_submit, groups_delete, group_detail]
