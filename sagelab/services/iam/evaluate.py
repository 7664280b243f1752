"""IAM policy evaluation, pure: no I/O, every input is policy text and request facts.

Single-account logic (IAM User Guide, "Policy evaluation logic"): any applicable Deny, in an
identity, session or resource policy, is final; otherwise an applicable Allow grants, where a
session policy, when present, must allow as well (it intersects); otherwise the implicit deny.
A resource policy (a bucket policy) that names the principal grants on its own; one that names
only the account (`"AWS": "<acct>"` or `"arn:aws:iam::<acct>:root"`) delegates to the
identity policies, its denies apply to everyone in the account.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from sagelab.services.iam.conditions import all_hold
from sagelab.services.iam.documents import (
    Document,
    MalformedPolicyDocument,
    Principals,
    Statement,
    parse,
    validate_policy,
)
from sagelab.services.iam.patterns import Context, ContextValue

__all__ = [
    "Decision",
    "MalformedPolicyDocument",
    "Match",
    "RequestFacts",
    "Verdict",
    "evaluate",
    "judge",
    "trust_allows",
    "validate_policy",
]

Source = Literal["identity", "session", "resource"]


@dataclass(frozen=True)
class RequestFacts:
    action: str
    resources: tuple[str, ...]
    principal_arn: str
    account_id: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)

    @functools.cached_property
    def keys(self) -> Context:
        """The condition keys, lower-cased (IAM key names are case-insensitive)."""
        return {k.lower(): v for k, v in self.context.items()}

    @functools.cached_property
    def identities(self) -> frozenset[str]:
        """ARNs a resource policy may name for this principal: its own, and for a role
        session also the role's (`aws:PrincipalArn`)."""
        principal_arn = self.keys.get("aws:principalarn")
        named = {self.principal_arn}
        if isinstance(principal_arn, str):
            named.add(principal_arn)
        return frozenset(named)


class Decision(Enum):
    ALLOW = "allowed"
    EXPLICIT_DENY = "explicitDeny"
    IMPLICIT_DENY = "implicitDeny"


@dataclass(frozen=True)
class Match:
    """An applicable statement: which policy of which source, and the statement itself."""

    source: Source
    policy: int  # index into the list of that source's policies
    statement: Statement


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    matched: tuple[Match, ...]  # the denies for a deny, the allows for an allow
    missing: Source = "identity"  # for an implicit deny: which kind of policy failed to allow

    @property
    def denied_by(self) -> Source | None:
        denies = [m.source for m in self.matched if not m.statement.allow]
        return denies[0] if denies else None


def _action_applies(stmt: Statement, action: str, keys: Context) -> bool:
    hit = any(g.matches(action, keys) for g in stmt.actions)
    return hit != stmt.not_action


def _resource_applies(stmt: Statement, resource: str, keys: Context) -> bool:
    if stmt.resources is None:
        return True
    hit = any(g.matches(resource, keys) for g in stmt.resources)
    return hit != stmt.not_resource


def _applies(stmt: Statement, facts: RequestFacts, resource: str) -> bool:
    keys = facts.keys
    return (
        _action_applies(stmt, facts.action, keys)
        and _resource_applies(stmt, resource, keys)
        and all_hold(stmt.conditions, keys)
    )


PrincipalHit = Literal["none", "account", "direct"]


def _named(principals: Principals, facts: RequestFacts) -> PrincipalHit:
    named = principals.get("AWS", ())
    if "*" in named or not facts.identities.isdisjoint(named):
        return "direct"
    account = facts.account_id
    if account in named or f"arn:aws:iam::{account}:root" in named:
        return "account"
    return "none"


def _principal_hit(stmt: Statement, facts: RequestFacts, source: Source) -> PrincipalHit:
    if stmt.principals is None:
        # Identity and session policies apply to their own principal; a resource policy
        # statement naming no one applies to no one.
        return "none" if source == "resource" else "direct"
    hit = _named(stmt.principals, facts)
    if stmt.not_principal:
        return "none" if hit != "none" else "direct"
    return hit


@dataclass
class _Tally:
    denies: list[Match] = field(default_factory=list)
    allows: dict[Source, list[Match]] = field(
        default_factory=lambda: {"identity": [], "session": [], "resource": []}
    )


def _scan(
    tally: _Tally, source: Source, docs: Iterable[Document], facts: RequestFacts, resource: str
) -> None:
    root = f"arn:aws:iam::{facts.account_id}:root"
    for i, doc in enumerate(docs):
        for stmt in doc.statements:
            hit = _principal_hit(stmt, facts, source)
            if hit == "none" or not _applies(stmt, facts, resource):
                continue
            if not stmt.allow:
                tally.denies.append(Match(source, i, stmt))
            elif hit == "direct" or facts.principal_arn == root:
                tally.allows[source].append(Match(source, i, stmt))


def _decide(tally: _Tally, has_session: bool) -> Verdict:
    if tally.denies:
        return Verdict(Decision.EXPLICIT_DENY, tuple(tally.denies))
    allows = tally.allows
    granted = allows["identity"] + allows["resource"]
    if granted and (not has_session or allows["session"]):
        return Verdict(Decision.ALLOW, tuple(granted + allows["session"]))
    return Verdict(Decision.IMPLICIT_DENY, (), "session" if granted else "identity")


def judge(
    policies: Iterable[str],
    facts: RequestFacts,
    *,
    resource_policies: Iterable[str] = (),
    session_policy: str | None = None,
) -> Verdict:
    """The decision with the statements behind it. Every resource of `facts` must be allowed;
    no resource at all stands for `*` (ListBuckets, ListTrainingJobs)."""
    identity = [parse(p) for p in policies]
    resource_docs = [parse(p) for p in resource_policies]
    session = [parse(session_policy)] if session_policy is not None else []
    verdicts = [
        _judge_one(facts, resource, identity, resource_docs, session)
        for resource in facts.resources or ("*",)
    ]
    return _combine(verdicts)


def _judge_one(
    facts: RequestFacts,
    resource: str,
    identity: list[Document],
    resource_docs: list[Document],
    session: list[Document],
) -> Verdict:
    tally = _Tally()
    _scan(tally, "identity", identity, facts, resource)
    _scan(tally, "resource", resource_docs, facts, resource)
    _scan(tally, "session", session, facts, resource)
    return _decide(tally, bool(session))


def _combine(verdicts: list[Verdict]) -> Verdict:
    for wanted in (Decision.EXPLICIT_DENY, Decision.IMPLICIT_DENY):
        for v in verdicts:
            if v.decision is wanted:
                return v
    return Verdict(Decision.ALLOW, tuple(m for v in verdicts for m in v.matched))


def evaluate(
    policies: Iterable[str],
    facts: RequestFacts,
    *,
    resource_policies: Iterable[str] = (),
    session_policy: str | None = None,
) -> Decision:
    return judge(
        policies, facts, resource_policies=resource_policies, session_policy=session_policy
    ).decision


def _trusted(principals: Principals, principal: Mapping[str, str], facts: RequestFacts) -> bool:
    for kind, who in principal.items():
        named = principals.get(kind, ())
        if "*" in named or who in named:
            return True
        if kind == "AWS" and _named(principals, facts) != "none":
            return True
    return False


def trust_allows(trust_policy: str, principal: Mapping[str, str], facts: RequestFacts) -> bool:
    """Whether a role's trust policy lets `principal` (`{"AWS": caller_arn}` or
    `{"Service": "sagemaker.amazonaws.com"}`) perform `facts.action` (sts:AssumeRole).
    Naming the caller's account (`...:root`) trusts anyone there whose own policies allow it:
    the caller's identity policies are checked separately."""
    allowed = False
    for stmt in parse(trust_policy).statements:
        if stmt.principals is None or not _applies(stmt, facts, "*"):
            continue
        hit = _trusted(stmt.principals, principal, facts) != stmt.not_principal
        if hit and not stmt.allow:
            return False
        allowed = allowed or hit
    return allowed
