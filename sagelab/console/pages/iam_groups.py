"""IAM user groups: list, create (name + policies, with the policy filters), detail (users,
permissions), delete. Deleting a group removes its users and policies first, as the
console does, one IAM call each."""

from __future__ import annotations

from starlette.responses import Response

from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import (
    all_items,
    create_group,
    delete_selected,
    drop_permissions,
    list_page,
    permissions,
    render,
)
from sagelab.console.pages.iam_wizard import policy_rows
from sagelab.gateway.errors import ServiceError


@page("/iam/groups")
def groups(pc: PageContext) -> Response:
    return list_page(pc, "ListGroups", "groups", "User groups")


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
        create_group(pc, name, pc.fields("policy"))
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
        users=all_items(pc, "GetGroup", "Users", GroupName=name),
        **permissions(pc, "Group", GroupName=name),
    )


def delete_group_cascade(pc: PageContext, name: str) -> None:
    for user in all_items(pc, "GetGroup", "Users", GroupName=name):
        pc.call("iam", "RemoveUserFromGroup", GroupName=name, UserName=user["UserName"])
    drop_permissions(pc, "Group", GroupName=name)
    pc.call("iam", "DeleteGroup", GroupName=name)


@page("/iam/groups/delete", methods=("POST",))
def groups_delete(pc: PageContext) -> Response:
    return delete_selected(pc, delete_group_cascade, url("/iam/groups"))


ROUTES = [groups, group_create, group_create_submit, groups_delete, group_detail]
