"""The policy simulator's domain: the same `judge` that enforces requests, run over every
action and resource asked, answered as IAM's EvaluationResult records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sagelab.services.iam.documents import parse
from sagelab.services.iam.evaluate import Match, RequestFacts, Verdict, judge
from sagelab.services.iam.patterns import ContextValue


@dataclass(frozen=True)
class Labelled:
    """A policy document with the id and type the simulator reports for its statements."""

    policy_id: str
    policy_type: str  # user | group | role | aws-managed | user-managed | resource | none
    document: str


@dataclass(frozen=True)
class Simulation:
    policies: list[Labelled]
    principal_arn: str
    account: str
    context: Mapping[str, ContextValue]
    resource_policy: str | None = None


def context_keys(entries: list[dict[str, Any]] | None) -> dict[str, ContextValue]:
    """`ContextEntries` as condition keys: `...List` types stay lists, others take one value."""
    keys: dict[str, ContextValue] = {}
    for entry in entries or []:
        values = [str(v) for v in entry.get("ContextKeyValues", [])]
        if entry.get("ContextKeyType", "string").endswith("List"):
            keys[entry["ContextKeyName"]] = values
        elif values:
            keys[entry["ContextKeyName"]] = values[0]
    return keys


def _statements(sim: Simulation, matched: tuple[Match, ...]) -> list[dict[str, Any]]:
    out = []
    for m in matched:
        if m.source == "resource":
            out.append({"SourcePolicyId": "ResourcePolicy", "SourcePolicyType": "resource"})
        else:
            label = sim.policies[m.policy]
            out.append({"SourcePolicyId": label.policy_id, "SourcePolicyType": label.policy_type})
    return out


def _missing(sim: Simulation, facts: RequestFacts) -> list[str]:
    """Condition keys of the policies that the simulation was not given."""
    keys = facts.keys
    wanted = {
        c.key
        for p in sim.policies
        for s in parse(p.document).statements
        for c in s.conditions
        if c.key not in keys
    }
    return sorted(wanted)


def _verdict(sim: Simulation, action: str, resource: str) -> tuple[Verdict, RequestFacts]:
    facts = RequestFacts(action, (resource,), sim.principal_arn, sim.account, sim.context)
    holders = () if sim.resource_policy is None else (sim.resource_policy,)
    docs = [p.document for p in sim.policies]
    return judge(docs, facts, resource_policies=holders), facts


def evaluation_result(sim: Simulation, action: str, resource: str) -> dict[str, Any]:
    verdict, facts = _verdict(sim, action, resource)
    result: dict[str, Any] = {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": verdict.decision.value,
        "MatchedStatements": _statements(sim, verdict.matched),
        "MissingContextValues": _missing(sim, facts),
    }
    if resource != "*":
        result["ResourceSpecificResults"] = [
            {
                "EvalResourceName": resource,
                "EvalResourceDecision": verdict.decision.value,
                "MatchedStatements": result["MatchedStatements"],
                "MissingContextValues": result["MissingContextValues"],
            }
        ]
    return result


def simulate(sim: Simulation, actions: list[str], resources: list[str]) -> list[dict[str, Any]]:
    return [evaluation_result(sim, a, r) for a in actions for r in resources or ["*"]]
