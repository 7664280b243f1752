"""IAM policies: the list with the "Filter policies" search and the type filter, a policy's
JSON (its default version), create from JSON (the API's validation errors shown) and delete
with the console's cascade (detach everywhere, delete old versions, then the policy)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from sagelab.console.listing import IAM, PAGE_SIZE, api_page
from sagelab.console.pagekit import PageContext, page, url
from sagelab.console.pages.iam import (
    POLICY_TYPES,
    all_items,
    matches,
    render,
    scope_of,
    with_type,
)
from sagelab.gateway.errors import ServiceError

STARTER_DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]},
    indent=4,
)


def policy_page(
    pc: PageContext, search: str, kind: str, marker: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """One console page of matching policies, read an API page at a time; the marker to
    continue from."""
    found: list[dict[str, Any]] = []
    while True:
        out, marker = api_page(pc, IAM, "ListPolicies", marker, PAGE_SIZE, Scope=scope_of(kind))
        found += [with_type(p) for p in out["Policies"] if matches(p, search, kind)]
        if marker is None or len(found) >= PAGE_SIZE:
            return found, marker


@page("/iam/policies")
def policies(pc: PageContext) -> Response:
    search, kind = pc.query("search"), pc.query("type")
    found, marker = policy_page(pc, search, kind, pc.query("next") or None)
    return render(
        pc,
        "iam/policies.html",
        "Policies",
        "policies",
        [("Policies", None)],
        policies=found,
        next_token=marker,
        search=search,
        kind=kind,
        types=POLICY_TYPES,
        base=url("/iam/policies") + "?" + urlencode({"search": search, "type": kind}),
    )


@page("/iam/policies/view")
def policy_detail(pc: PageContext) -> Response:
    arn = pc.query("arn")
    policy = pc.call("iam", "GetPolicy", PolicyArn=arn)["Policy"]
    version = pc.call(
        "iam", "GetPolicyVersion", PolicyArn=arn, VersionId=policy["DefaultVersionId"]
    )["PolicyVersion"]
    return render(
        pc,
        "iam/policy.html",
        policy["PolicyName"],
        "policies",
        [("Policies", url("/iam/policies")), (policy["PolicyName"], None)],
        policy=with_type(policy),
        document=version["Document"],
    )


def _create_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return render(
        pc,
        "iam/policy_create.html",
        "Create policy",
        "policies",
        [("Policies", url("/iam/policies")), ("Create policy", None)],
        policy_name=pc.field("policy_name"),
        description=pc.field("description"),
        document=pc.field("document") or STARTER_DOCUMENT,
        error=error,
    )


@page("/iam/policies/create")
def policy_create(pc: PageContext) -> Response:
    return _create_form(pc)


@page("/iam/policies/create", methods=("POST",))
def policy_create_submit(pc: PageContext) -> Response:
    name = pc.field("policy_name").strip()
    try:
        pc.call(
            "iam",
            "CreatePolicy",
            PolicyName=name,
            PolicyDocument=pc.field("document"),
            Description=pc.field("description") or None,
        )
    except ServiceError as err:
        return _create_form(pc, err)
    return pc.redirect(url("/iam/policies?type=customer"), flash=f"Policy {name} created.")


def delete_policy_cascade(pc: PageContext, arn: str) -> None:
    entities = pc.call("iam", "ListEntitiesForPolicy", PolicyArn=arn)
    for group in entities["PolicyGroups"]:
        pc.call("iam", "DetachGroupPolicy", GroupName=group["GroupName"], PolicyArn=arn)
    for user in entities["PolicyUsers"]:
        pc.call("iam", "DetachUserPolicy", UserName=user["UserName"], PolicyArn=arn)
    for role in entities["PolicyRoles"]:
        pc.call("iam", "DetachRolePolicy", RoleName=role["RoleName"], PolicyArn=arn)
    for version in all_items(pc, "ListPolicyVersions", "Versions", PolicyArn=arn):
        if not version["IsDefaultVersion"]:
            pc.call("iam", "DeletePolicyVersion", PolicyArn=arn, VersionId=version["VersionId"])
    pc.call("iam", "DeletePolicy", PolicyArn=arn)


@page("/iam/policies/delete", methods=("POST",))
def policies_delete(pc: PageContext) -> Response:
    arns = pc.fields("selected")
    try:
        for arn in arns:
            delete_policy_cascade(pc, arn)
    except ServiceError as err:
        return pc.redirect(url("/iam/policies"), flash=f"{err.code}: {err.message}", level="error")
    names = ", ".join(arn.rsplit("/", 1)[-1] for arn in arns)
    return pc.redirect(url("/iam/policies?type=customer"), flash=f"Deleted {names}.")


ROUTES = [policies, policy_detail, policy_create, policy_create_submit, policies_delete]
