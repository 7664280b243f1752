"""List pages from paginated AWS calls. A console listing shows one API page per console page
and pages on with the API's own token (the `next` query parameter): each List operation
differs only in what its token and page-size members are called, which `Paging` names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sagelab.console.pagekit import PageContext

PAGE_SIZE = 50  # as large as AWS's console pages


@dataclass(frozen=True)
class Paging:
    """How a service's List operations page: the token they take (`token`) and answer
    (`next_token`, when named otherwise), their page-size member, and the flag without
    which an answered token means nothing (IAM's, ListObjectsV2's `IsTruncated`)."""

    service: str
    token: str
    size: str
    next_token: str = ""
    truncated: str = ""

    def continuation(self, out: dict[str, Any]) -> str | None:
        """The token of the page after `out`, None on the last page."""
        if self.truncated and not out.get(self.truncated):
            return None
        found = out.get(self.next_token or self.token)
        return str(found) if found else None


IAM = Paging("iam", "Marker", "MaxItems", truncated="IsTruncated")
SAGEMAKER = Paging("sagemaker", "NextToken", "MaxResults")
LOGS = Paging("logs", "nextToken", "limit")
S3_BUCKETS = Paging("s3", "ContinuationToken", "MaxBuckets")
S3_OBJECTS = Paging("s3", "ContinuationToken", "MaxKeys", "NextContinuationToken", "IsTruncated")


def api_page(
    pc: PageContext,
    paging: Paging,
    operation: str,
    token: str | None,
    size: int | None = None,
    **params: Any,
) -> tuple[dict[str, Any], str | None]:
    """One API page after `token`, and the token of the next one."""
    out = pc.call(paging.service, operation, **{paging.token: token, paging.size: size}, **params)
    return out, paging.continuation(out)


def console_page(
    pc: PageContext,
    paging: Paging,
    operation: str,
    items: str,
    size: int = PAGE_SIZE,
    **params: Any,
) -> dict[str, Any]:
    """The page the `next` query parameter names, as the values a list template takes:
    `rows` (the `items` member) and `next_token` (for `m.pager`)."""
    out, following = api_page(pc, paging, operation, pc.query("next") or None, size, **params)
    return {"rows": list(out.get(items) or []), "next_token": following}


def every_item(
    pc: PageContext,
    paging: Paging,
    operation: str,
    items: str,
    size: int | None = None,
    **params: Any,
) -> Iterator[Any]:
    """Every item of a listing, read an API page at a time (an entity's groups, the roles a
    form offers, a folder's keys)."""
    token: str | None = None
    while True:
        out, token = api_page(pc, paging, operation, token, size, **params)
        yield from out.get(items) or []
        if token is None:
            return
