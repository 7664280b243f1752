"""Shared by the CloudWatch Logs stories: unique names, and the server's own metadata store
(what a training job's log feeder writes through `append_events`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from sagelab.store.metadata import MetadataStore
from sagelab.testing import SagelabServer


@pytest.fixture
def group(client: Any) -> str:
    """A fresh, existing log group."""
    name = f"/sagelab/test/{uuid.uuid4().hex[:12]}"
    client("logs").create_log_group(logGroupName=name)
    return name


@pytest.fixture(scope="session")
def server_meta(server: SagelabServer) -> Iterator[MetadataStore]:
    meta = MetadataStore.open(f"sqlite:///{server.data_dir / 'meta.db'}")
    yield meta
    meta.close()
