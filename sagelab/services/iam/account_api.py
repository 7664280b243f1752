"""Account-wide IAM operations: the alias, the summary, the credential report."""

from __future__ import annotations

import base64
import time
from typing import Any

from sqlalchemy import func, select, update

from sagelab.gateway.context import RequestContext
from sagelab.gateway.errors import ClientError
from sagelab.services.base import ServiceApi
from sagelab.services.iam import changes, credential_report, policies
from sagelab.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from sagelab.services.iam.paging import listing
from sagelab.store import tables
from sagelab.store.tables import accounts

_SUMMARY_COUNTS = {
    "Users": tables.iam_users,
    "Groups": tables.iam_groups,
    "Roles": tables.iam_roles,
}
_QUOTAS = {
    "UsersQuota": 5000,
    "GroupsQuota": 300,
    "RolesQuota": 1000,
    "PoliciesQuota": 1500,
    "AccessKeysPerUserQuota": 2,
    "GroupsPerUserQuota": 10,
    "AttachedPoliciesPerUserQuota": 10,
    "AttachedPoliciesPerGroupQuota": 10,
    "AttachedPoliciesPerRoleQuota": 10,
    "VersionsPerPolicyQuota": 5,
    "PolicySizeQuota": 6144,
    "UserPolicySizeQuota": 2048,
    "GroupPolicySizeQuota": 5120,
    "RolePolicySizeQuota": 10240,
    "AssumeRolePolicySizeQuota": 2048,
    "PolicyVersionsInUseQuota": 10000,
    "ServerCertificatesQuota": 20,
    "InstanceProfilesQuota": 1000,
    "SigningCertificatesPerUserQuota": 2,
}
_REPORT_KEY = "credential_report"


class ReportNotPresent(ClientError):
    code = "ReportNotPresent"
    status = 410


class AccountApi(ServiceApi):
    def create_account_alias(self, ctx: RequestContext, *, account_alias: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            taken = conn.execute(
                select(accounts.c.account_id).where(accounts.c.alias == account_alias)
            ).scalar()
            if taken is not None and taken != ctx.account_id:
                raise EntityAlreadyExists(
                    message=f"The account alias {account_alias} already exists."
                )
            conn.execute(
                update(accounts)
                .where(accounts.c.account_id == ctx.account_id)
                .values(alias=account_alias)
            )
        return {}

    def delete_account_alias(self, ctx: RequestContext, *, account_alias: str) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            done = conn.execute(
                update(accounts)
                .where(accounts.c.account_id == ctx.account_id, accounts.c.alias == account_alias)
                .values(alias=None)
            )
            if done.rowcount == 0:
                raise NoSuchEntity(message=f"The account alias {account_alias} cannot be found.")
        return {}

    def list_account_aliases(
        self, ctx: RequestContext, *, marker: str | None = None, max_items: int | None = None
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            alias = conn.execute(
                select(accounts.c.alias).where(accounts.c.account_id == ctx.account_id)
            ).scalar()
        return listing("AccountAliases", [alias] if alias else [], None)

    def get_account_summary(self, ctx: RequestContext) -> dict[str, Any]:
        summary: dict[str, int] = dict(_QUOTAS)
        with self.deps.meta.connect() as conn:
            for name, table in _SUMMARY_COUNTS.items():
                summary[name] = conn.execute(
                    select(func.count())
                    .select_from(table)
                    .where(table.c.account_id == ctx.account_id)
                ).scalar_one()
            summary["Policies"] = policies.count(conn, ctx.account_id)
        summary.update(
            MFADevices=0,
            MFADevicesInUse=0,
            AccountMFAEnabled=0,
            AccountAccessKeysPresent=0,
            AccountSigningCertificatesPresent=0,
            ServerCertificates=0,
            InstanceProfiles=0,
            Providers=0,
            PolicyVersionsInUse=0,
            GlobalEndpointTokenVersion=1,
        )
        return {"SummaryMap": summary}

    def generate_credential_report(self, ctx: RequestContext) -> dict[str, Any]:
        with changes.write(self.deps.meta) as conn:
            settings = dict(
                conn.execute(
                    select(accounts.c.settings).where(accounts.c.account_id == ctx.account_id)
                ).scalar()
                or {}
            )
            first = _REPORT_KEY not in settings
            report = credential_report.build(conn, ctx.account_id)
            settings[_REPORT_KEY] = {
                "content": base64.b64encode(report).decode(),
                "generated_at": time.time(),
            }
            conn.execute(
                update(accounts)
                .where(accounts.c.account_id == ctx.account_id)
                .values(settings=settings)
            )
        if first:
            return {
                "State": "STARTED",
                "Description": "No report exists. Starting a new report generation task",
            }
        return {"State": "COMPLETE"}

    def get_credential_report(self, ctx: RequestContext) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            settings = conn.execute(
                select(accounts.c.settings).where(accounts.c.account_id == ctx.account_id)
            ).scalar()
        report = (settings or {}).get(_REPORT_KEY)
        if report is None:
            raise ReportNotPresent(
                message="Unable to find a credential report. Use GenerateCredentialReport to "
                "create one."
            )
        return {
            "Content": base64.b64decode(report["content"]),
            "ReportFormat": "text/csv",
            "GeneratedTime": report["generated_at"],
        }
