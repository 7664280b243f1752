"""Where the evaluator's inputs come from: the identity policies that apply to a principal
(cached per principal, dropped whenever IAM's generation moves on, so that a request needs no
database connection for them), a bucket's policy and a role's trust policy (read per request:
bucket policies change through S3, not IAM)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

from sagelab import arns
from sagelab.gateway.context import Principal
from sagelab.services.iam import changes, principals
from sagelab.services.iam.access import Check
from sagelab.services.iam.patterns import ContextValue
from sagelab.services.s3 import objects
from sagelab.services.s3.bucket_policy import bucket_policy
from sagelab.store.metadata import MetadataStore


@dataclass(frozen=True)
class Identity:
    principal_arn: str  # `aws:PrincipalArn`: the role's ARN for a role session
    policies: tuple[str, ...]
    session_policy: str | None


_lock = threading.Lock()
_cache: dict[tuple[str, str, str | None], tuple[int, Identity]] = {}
_MAX_CACHED = 4096


def identity_of(meta: MetadataStore, principal: Principal) -> Identity:
    key = (principal.kind, principal.arn, principal.session_policy)
    generation = changes.generation()  # read first: an entry is never newer than its tag
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == generation:
        return hit[1]
    identity = _load(meta, principal)
    with _lock:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        _cache[key] = (generation, identity)
    return identity


def _load(meta: MetadataStore, principal: Principal) -> Identity:
    if principal.kind == "anonymous":
        return Identity(principal.arn, (), None)
    with meta.connect() as conn:
        policies = tuple(principals.policies_for(conn, principal))
        principal_arn = principals.principal_arn(conn, principal)
    return Identity(principal_arn, policies, principals.session_policy(principal))


def holder_policy(meta: MetadataStore, check: Check) -> str | None:
    """The resource policy that applies besides the identity's: a bucket policy for S3, the
    trust policy of the role being assumed."""
    if check.holder is None:
        return None
    kind, name = check.holder
    with meta.connect() as conn:
        if kind == "bucket":
            return bucket_policy(conn, name)
        arn = arns.try_parse(name)
        if arn is None:
            return None
        return principals.role_trust_policy(conn, arn.account, arn.name)


@lru_cache(maxsize=1024)
def tests_object_tags(documents: tuple[str, ...]) -> bool:
    """Whether any of these policies tests `s3:ExistingObjectTag/...`: only then is the
    object's row read for its tags."""
    return any("existingobjecttag/" in d.lower() for d in documents)


def object_tag_keys(meta: MetadataStore, check: Check) -> dict[str, ContextValue]:
    """`s3:ExistingObjectTag/<key>` for the object a check names (none for a bucket)."""
    if check.holder is None or check.holder[0] != "bucket":
        return {}
    bucket = check.holder[1]
    key = check.resource.removeprefix(f"arn:aws:s3:::{bucket}/")
    if key == check.resource:
        return {}
    with meta.connect() as conn:
        row = objects.find(conn, bucket, key)
    tags = dict(row.tags or {}) if row is not None else {}
    return {f"s3:ExistingObjectTag/{k}": v for k, v in tags.items()}
