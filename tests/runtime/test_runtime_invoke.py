"""Invoking an endpoint that does not exist answers as SageMaker does."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_missing_endpoint(client: Any, server: Any) -> None:
    runtime = client("sagemaker-runtime")
    with pytest.raises(ClientError) as exc:
        runtime.invoke_endpoint(
            EndpointName="no-such-endpoint", Body=b"1,2", ContentType="text/csv"
        )
    response = exc.value.response
    assert response["Error"]["Code"] == "ValidationError"
    assert response["Error"]["Message"] == (
        f"Endpoint no-such-endpoint of account {server.account_id} not found."
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
