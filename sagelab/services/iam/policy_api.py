"""Managed policy operations: AWS's and the account's own, and their versions."""

from __future__ import annotations

from typing import Any

from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import attachments, aws_managed, changes, policies
from sagelab.services.iam.documents import validate_policy
from sagelab.services.iam.paging import cut, listing

_SCOPES = ("All", "AWS", "Local")


def policy_out(policy: policies.Policy, attached: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "PolicyName": policy.name,
        "PolicyId": policy.policy_id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": attached,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "CreateDate": policy.created_at,
        "UpdateDate": policy.updated_at,
    }
    if policy.description:
        out["Description"] = policy.description
    if policy.tags:
        out["Tags"] = policy.tags
    return out


def version_out(version: policies.Version) -> dict[str, Any]:
    return {
        "Document": version.document,
        "VersionId": version.version_id,
        "IsDefaultVersion": version.is_default,
        "CreateDate": version.created_at,
    }


class PolicyApi(ServiceApi):
    def create_policy(
        self,
        ctx: RequestContext,
        *,
        policy_name: str,
        policy_document: str,
        path: str | None = None,
        description: str | None = None,
        tags: list[dict[str, str]] | None = None,
    ) -> dict[str, Any]:
        validate_policy(policy_document)
        with changes.write(self.deps.meta) as conn:
            policy = policies.create(
                conn,
                ctx.account_id,
                policy_name,
                policy_document,
                path=path,
                description=description,
                tags=tags,
            )
        return {"Policy": policy_out(policy, 0)}

    def get_policy(self, ctx: RequestContext, *, policy_arn: str) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            policy = policies.get(conn, ctx.account_id, policy_arn)
            attached = len(attachments.holders(conn, ctx.account_id, policy_arn))
        return {"Policy": policy_out(policy, attached)}

    def list_policies(
        self,
        ctx: RequestContext,
        *,
        scope: str | None = None,
        only_attached: bool | None = None,
        path_prefix: str | None = None,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        scope = scope or "All"
        with self.deps.meta.connect() as conn:
            counts = attachments.counts(conn, ctx.account_id)
            found = policies.customer(conn, ctx.account_id) if scope != "AWS" else []
        if scope != "Local":
            found += [policies.from_aws(p) for p in aws_managed.all_policies()]
        chosen = [
            p
            for p in found
            if p.path.startswith(path_prefix or "/") and (not only_attached or counts.get(p.arn))
        ]
        items, nxt = cut(chosen, marker, max_items)
        return listing("Policies", [policy_out(p, counts.get(p.arn, 0)) for p in items], nxt)

    def delete_policy(self, ctx: RequestContext, *, policy_arn: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            policies.remove(conn, ctx.account_id, policy_arn)
        return {}

    def create_policy_version(
        self,
        ctx: RequestContext,
        *,
        policy_arn: str,
        policy_document: str,
        set_as_default: bool | None = None,
    ) -> dict[str, Any]:
        validate_policy(policy_document)
        with changes.write(self.deps.meta) as conn:
            version = policies.add_version(
                conn, ctx.account_id, policy_arn, policy_document, bool(set_as_default)
            )
        out = version_out(version)
        del out["Document"]  # CreatePolicyVersion does not echo the document
        return {"PolicyVersion": out}

    def get_policy_version(
        self, ctx: RequestContext, *, policy_arn: str, version_id: str
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            version = policies.version(conn, ctx.account_id, policy_arn, version_id)
        return {"PolicyVersion": version_out(version)}

    def list_policy_versions(
        self,
        ctx: RequestContext,
        *,
        policy_arn: str,
        marker: str | None = None,
        max_items: int | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            versions = policies.versions(conn, ctx.account_id, policy_arn)
        items, nxt = cut(versions, marker, max_items)
        out = [{k: v for k, v in version_out(x).items() if k != "Document"} for x in items]
        return listing("Versions", out, nxt)

    def delete_policy_version(
        self, ctx: RequestContext, *, policy_arn: str, version_id: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            policies.remove_version(conn, ctx.account_id, policy_arn, version_id)
        return {}

    def set_default_policy_version(
        self, ctx: RequestContext, *, policy_arn: str, version_id: str
    ) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            policies.set_default(conn, ctx.account_id, policy_arn, version_id)
        return {}
