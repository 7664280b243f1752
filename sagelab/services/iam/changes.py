"""IAM writes, counted so that caches of what IAM says (the policies that apply to a
principal) are dropped on any change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

from sagelab.store.metadata import MetadataStore

_generation = 0


def generation() -> int:
    """Read it before reading IAM's tables: a cache entry is then never newer than its tag."""
    return _generation


@contextmanager
def write(meta: MetadataStore) -> Iterator[Connection]:
    """One IAM write transaction; the generation moves on once it has committed."""
    global _generation
    with meta.begin() as conn:
        yield conn
    _generation += 1
