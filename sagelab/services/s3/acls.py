"""Canned ACLs on buckets and objects, and the two bucket settings that decide whether one
may be set: Object Ownership and Block Public Access, with the defaults S3 gives new buckets
since April 2023 (ACLs disabled, every public-access block on).

An ACL is stored as its canned name and shown as the grant list S3 expands it to. A bucket
whose ownership controls were deleted has ACLs enabled (S3's legacy ObjectWriter).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sagelab.gateway.errors import NotImplementedByUs
from sagelab.services.s3 import bucket_config
from sagelab.services.s3.errors import (
    AccessControlListNotSupported,
    InvalidArgument,
    MalformedXML,
    access_denied,
)

if TYPE_CHECKING:
    from sagelab.store.metadata import MetadataStore

PRIVATE = "private"
OWNERSHIP = "ownership"
PUBLIC_ACCESS_BLOCK = "public_access_block"
BUCKET_ACL = "acl"
ENFORCED = "BucketOwnerEnforced"
OBJECT_WRITER = "ObjectWriter"
OWNERSHIPS = (ENFORCED, "BucketOwnerPreferred", OBJECT_WRITER)
BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
# What a bucket with ACLs disabled still accepts: they grant nothing beyond the owner.
_OWNER_ONLY = (PRIVATE, "bucket-owner-full-control")
_GROUPS = "http://acs.amazonaws.com/groups/"
_ALL_USERS = _GROUPS + "global/AllUsers"
_AUTHENTICATED = _GROUPS + "global/AuthenticatedUsers"
_LOG_DELIVERY = _GROUPS + "s3/LogDelivery"
# Beyond the owner's FULL_CONTROL, what each canned ACL grants: (group URI, permission).
_GRANTS: dict[str, tuple[tuple[str, str], ...]] = {
    PRIVATE: (),
    "public-read": ((_ALL_USERS, "READ"),),
    "public-read-write": ((_ALL_USERS, "READ"), (_ALL_USERS, "WRITE")),
    "authenticated-read": ((_AUTHENTICATED, "READ"),),
    "log-delivery-write": ((_LOG_DELIVERY, "WRITE"), (_LOG_DELIVERY, "READ_ACP")),
    # The object's owner is the bucket's (one account writes both here).
    "bucket-owner-read": (),
    "bucket-owner-full-control": (),
    "aws-exec-read": (),
}
_PUBLIC = ("public-read", "public-read-write", "authenticated-read")


def default_config() -> dict[str, Any]:
    """A new bucket's ownership and public-access settings."""
    return {OWNERSHIP: ENFORCED, PUBLIC_ACCESS_BLOCK: dict(BLOCK_ALL)}


def blocks(config: dict[str, Any], setting: str) -> bool:
    """Whether the bucket's Block Public Access setting (`BlockPublicPolicy`, ...) is on."""
    return bool((config.get(PUBLIC_ACCESS_BLOCK) or {}).get(setting))


def check_settable(config: dict[str, Any], canned: str | None) -> None:
    """Whether the bucket lets a request set `canned` (None: the request names no ACL)."""
    if canned is None or canned in _OWNER_ONLY:
        return
    if config.get(OWNERSHIP) == ENFORCED:
        raise AccessControlListNotSupported()
    if canned in _PUBLIC and blocks(config, "BlockPublicAcls"):
        raise access_denied()


def check_request(meta: MetadataStore, bucket: str, canned: str | None) -> None:
    """`check_settable` for a write naming `canned` in its `x-amz-acl` header."""
    if canned is None or canned in _OWNER_ONLY:
        return  # nothing to refuse: spare the read
    with meta.connect() as conn:
        check_settable(bucket_config.config_of(conn, bucket), canned)


def only_canned(acl: str | None, **explicit: Any) -> str:
    """The canned ACL a Put*Acl sets. Explicit grants (headers or an AccessControlPolicy
    document) are not built; neither given is malformed."""
    for name, value in explicit.items():
        if value is not None:
            raise NotImplementedByUs(
                message=f"The {name} parameter is not implemented by sagelab: use a canned ACL"
            )
    if acl is None:
        raise MalformedXML()
    return acl


def check_ownership(controls: dict[str, Any]) -> str:
    rules = controls.get("Rules") or []
    value = rules[0].get("ObjectOwnership") if len(rules) == 1 else None
    if value not in OWNERSHIPS:
        raise InvalidArgument("Invalid Object Ownership", "ObjectOwnership", str(value))
    return str(value)


def _grant(grantee: dict[str, str], permission: str) -> dict[str, Any]:
    return {"Grantee": grantee, "Permission": permission}


def grants(canned: str, owner: dict[str, str]) -> list[dict[str, Any]]:
    """The grant list S3 shows for a canned ACL."""
    listed = [_grant({"Type": "CanonicalUser", **owner}, "FULL_CONTROL")]
    for uri, permission in _GRANTS.get(canned, ()):
        listed.append(_grant({"Type": "Group", "URI": uri}, permission))
    return listed


def publicly_readable(config: dict[str, Any], canned: str) -> bool:
    """Whether an object's `canned` ACL lets anyone read it, once the bucket's settings have
    their say: BucketOwnerEnforced and IgnorePublicAcls (both on in new buckets) void it."""
    if config.get(OWNERSHIP) == ENFORCED:
        return False
    if blocks(config, "IgnorePublicAcls"):
        return False
    return (_ALL_USERS, "READ") in _GRANTS.get(canned, ())
