"""IAM's policy simulator operations, answered by the same evaluator that enforces requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from sagelab import arns
from sagelab.gateway.context import RequestContext
from sagelab.services.base import ServiceApi
from sagelab.services.iam import attachments, entities, inline, policies, principals
from sagelab.services.iam.documents import validate_policy
from sagelab.services.iam.entities import EntityKind
from sagelab.services.iam.errors import InvalidInput, NoSuchEntity
from sagelab.services.iam.paging import cut, listing
from sagelab.services.iam.simulation import Labelled, Simulation, context_keys, simulate

_KINDS: dict[str, EntityKind] = {"user": "user", "role": "role", "group": "group"}


def _entity_policies(conn: Connection, account: str, kind: EntityKind, name: str) -> list[Labelled]:
    key = entities.get(conn, kind, account, name).name_key
    out = [
        Labelled(n, kind, inline.get(conn, account, kind, name, n)[1].document)
        for n in inline.names(conn, account, kind, name)
    ]
    for arn in attachments.arns_of(conn, account, kind, key):
        doc = policies.default_document(conn, account, arn)
        managed = "aws-managed" if arn.startswith("arn:aws:iam::aws:") else "user-managed"
        if doc is not None:
            out.append(Labelled(arn.rsplit("/", 1)[-1], managed, doc))
    return out


def _source_policies(conn: Connection, account: str, source_arn: str) -> list[Labelled]:
    """Every identity policy of the user (with its groups'), group or role an ARN names."""
    arn = arns.try_parse(source_arn)
    kind = _KINDS.get(arn.resource_type) if arn is not None else None
    if arn is None or kind is None or arn.account != account:
        raise InvalidInput(message=f"Invalid ARN: {source_arn}")
    row = entities.find(conn, kind, account, arn.name)
    if row is None or row.arn != source_arn:
        raise NoSuchEntity(message=f"The {kind} with name {arn.name} cannot be found.")
    found = _entity_policies(conn, account, kind, arn.name)
    if kind == "user":
        for group in principals.group_keys(conn, account, row.name_key):
            found += _entity_policies(conn, account, "group", group)
    return found


def _inputs(documents: list[str] | None) -> list[Labelled]:
    for doc in documents or []:
        validate_policy(doc)
    return [
        Labelled(f"PolicyInputList.{i}", "IAM Policy", d) for i, d in enumerate(documents or [], 1)
    ]


def _principal_keys(arn: str, account: str) -> dict[str, Any]:
    """What a real request by that principal would carry (ContextEntries override it)."""
    keys: dict[str, Any] = {"aws:PrincipalArn": arn, "aws:PrincipalAccount": account}
    parsed = arns.try_parse(arn)
    if parsed is not None and parsed.resource_type == "user":
        keys["aws:username"] = parsed.name
    return keys


class SimulateApi(ServiceApi):
    def simulate_principal_policy(
        self,
        ctx: RequestContext,
        *,
        policy_source_arn: str,
        action_names: list[str],
        policy_input_list: list[str] | None = None,
        resource_arns: list[str] | None = None,
        resource_policy: str | None = None,
        caller_arn: str | None = None,
        context_entries: list[dict[str, Any]] | None = None,
        max_items: int | None = None,
        marker: str | None = None,
    ) -> dict[str, Any]:
        with self.deps.meta.connect() as conn:
            found = _source_policies(conn, ctx.account_id, policy_source_arn)
        caller = caller_arn or policy_source_arn
        keys = _principal_keys(caller, ctx.account_id)
        keys.update(context_keys(context_entries))
        sim = Simulation(
            found + _inputs(policy_input_list), caller, ctx.account_id, keys, resource_policy
        )
        results, nxt = cut(simulate(sim, action_names, resource_arns or []), marker, max_items)
        return listing("EvaluationResults", results, nxt)

    def simulate_custom_policy(
        self,
        ctx: RequestContext,
        *,
        policy_input_list: list[str],
        action_names: list[str],
        resource_arns: list[str] | None = None,
        resource_policy: str | None = None,
        caller_arn: str | None = None,
        context_entries: list[dict[str, Any]] | None = None,
        max_items: int | None = None,
        marker: str | None = None,
    ) -> dict[str, Any]:
        caller = caller_arn or arns.iam_root(ctx.account_id)
        keys = _principal_keys(caller, ctx.account_id) if caller_arn else {}
        keys.update(context_keys(context_entries))
        sim = Simulation(_inputs(policy_input_list), caller, ctx.account_id, keys, resource_policy)
        results, nxt = cut(simulate(sim, action_names, resource_arns or []), marker, max_items)
        return listing("EvaluationResults", results, nxt)
