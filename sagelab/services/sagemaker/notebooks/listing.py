"""ListNotebookInstances' own filters, on members of the Describe document rather than on the
columns every SageMaker listing shares: the lifecycle configuration's name and the code
repositories. They are applied to the shared listing's ordered rows; the token stays an offset,
into the filtered rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from sagelab.services.sagemaker import resources
from sagelab.services.sagemaker.errors import SageMakerValidation

# Enough for every instance of one account and region: SageMaker's quota is far below it.
_ALL = 1_000_000


@dataclass(frozen=True)
class DocFilters:
    config_contains: str | None = None
    default_repository_contains: str | None = None
    additional_repository_equals: str | None = None

    def __bool__(self) -> bool:
        return any(
            (
                self.config_contains,
                self.default_repository_contains,
                self.additional_repository_equals,
            )
        )

    def matches(self, doc: dict[str, Any]) -> bool:
        additional = doc.get("AdditionalCodeRepositories") or []
        return (
            _contains(doc.get("NotebookInstanceLifecycleConfigName"), self.config_contains)
            and _contains(doc.get("DefaultCodeRepository"), self.default_repository_contains)
            and (
                not self.additional_repository_equals
                or self.additional_repository_equals in additional
            )
        )


def _contains(value: str | None, part: str | None) -> bool:
    """Names are case-insensitive in SageMaker: so are the *Contains filters on them."""
    return not part or (value is not None and part.lower() in value.lower())


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    if not token.isdigit():
        raise SageMakerValidation(message=f"Invalid pagination token {token}")
    return int(token)


def list_page(
    conn: Connection,
    where: resources.Scope,
    query: resources.ListQuery,
    filters: DocFilters,
    token: str | None,
    limit: int,
) -> tuple[list[resources.Resource], str | None]:
    if not filters:
        return resources.list_page(conn, where, query, token, limit)
    offset = _offset(token)
    every, _ = resources.list_page(conn, where, query, None, _ALL)
    kept = [r for r in every if filters.matches(r.doc)]
    more = len(kept) > offset + limit
    return kept[offset : offset + limit], str(offset + limit) if more else None
