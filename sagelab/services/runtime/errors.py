"""sagemaker-runtime's errors (contracts §2.3)."""

from __future__ import annotations

from sagelab import arns
from sagelab.gateway.errors import ClientError, ServiceError
from sagelab.services.sagemaker.hosting import logs

MAX_PAYLOAD = 6 * 1024 * 1024


class EndpointNotFound(ClientError):
    code = "ValidationError"

    def __init__(self, name: str, account: str) -> None:
        super().__init__(message=f"Endpoint {name} of account {account} not found.")


class RuntimeValidation(ClientError):
    code = "ValidationError"


def payload_too_large(size: int) -> RuntimeValidation:
    return RuntimeValidation(
        message=f"Received payload of {size} bytes, which exceeds the maximum of "
        f"{MAX_PAYLOAD} bytes for InvokeEndpoint."
    )


def unknown_variant(variant: str, endpoint: str) -> RuntimeValidation:
    return RuntimeValidation(
        message=f"Variant {variant} does not exist on endpoint {endpoint}, or it has no "
        "instance in service."
    )


def model_error(region: str, account: str, endpoint: str, status: int, body: bytes) -> ServiceError:
    """The container answered non-2xx: 424 ModelError, naming its status and message."""
    group = logs.group(endpoint)
    text = body.decode(errors="replace")
    kind = "client" if status < 500 else "server"
    return ServiceError(
        "ModelError",
        f'Received {kind} error ({status}) from primary with message "{text}". See '
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logEventViewer:group={group} in account {account} for more information.",
        424,
        OriginalStatusCode=status,
        OriginalMessage=text,
        LogStreamArn=arns.logs_group(region, account, group, wildcard=False),
    )


def model_timeout(endpoint: str) -> ServiceError:
    return ServiceError(
        "ModelError",
        f"Your invocation timed out while waiting for a response from primary of endpoint "
        f"{endpoint}. Review the model's latency or processing time.",
        424,
    )


def no_instance(endpoint: str) -> ServiceError:
    return ServiceError(
        "ServiceUnavailable",
        f"No instance of endpoint {endpoint} could take the request; please retry.",
        503,
        sender_fault=False,
    )
