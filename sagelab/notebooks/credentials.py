"""The container-credentials endpoint an instance's processes read their role's credentials
from, as ECS and SageMaker serve them: botocore's default chain finds it through
`AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN` and refreshes from it
before expiry. The token is the instance's secret; nothing else opens it."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sagelab.gateway.errors import ServiceError
from sagelab.gateway.sigv4 import Credential
from sagelab.notebooks.launcher import CREDENTIALS_PATH
from sagelab.services.iam.sessions import mint_role_session
from sagelab.services.sagemaker.notebooks import instances, runtimes
from sagelab.store.metadata import MetadataStore

SESSION_SECONDS = 3600
# Hand out a new session once the cached one has less left than botocore's refresh margin.
FRESH_FOR = 20 * 60
SESSION_NAME = "SageMaker"


class CredentialsEndpoint:
    def __init__(self, meta: MetadataStore) -> None:
        self.meta = meta
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, Credential]] = {}  # secret hash → (role, session)

    def answer(self, secret: str) -> dict[str, Any] | None:
        with self.meta.connect() as conn:
            key = runtimes.by_credential(conn, secret) if secret else None
            inst = (
                None
                if key is None
                else instances.find(conn, instances.scope(key[0], key[1]), key[2])
            )
        if key is None or inst is None:
            return None
        try:
            credential = self._session(runtimes.hash_secret(secret), key[0], inst.doc["RoleArn"])
        except ServiceError:  # the role is gone or no longer in this account
            return None
        expires = datetime.fromtimestamp(credential.expires_at or 0, UTC)
        return {
            "AccessKeyId": credential.access_key_id,
            "SecretAccessKey": credential.secret_access_key,
            "Token": credential.session_token,
            "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def _session(self, hashed: str, account: str, role_arn: str) -> Credential:
        now = time.time()
        with self._lock:
            cached = self._cache.get(hashed)
            if cached and cached[0] == role_arn and (cached[1].expires_at or 0) - now > FRESH_FOR:
                return cached[1]
            credential = mint_role_session(
                self.meta, account, role_arn, SESSION_NAME, SESSION_SECONDS
            )
            self._cache = {h: c for h, c in self._cache.items() if (c[1].expires_at or 0) > now} | {
                hashed: (role_arn, credential)
            }
            return credential


def credentials_route(meta: MetadataStore) -> Route:
    endpoint = CredentialsEndpoint(meta)

    async def serve(request: Request) -> Response:
        secret = request.headers.get("authorization", "")
        answer = await anyio.to_thread.run_sync(endpoint.answer, secret)
        if answer is None:
            return JSONResponse(
                {"Code": "AccessDenied", "Message": "Unknown or expired credentials token"}, 403
            )
        return JSONResponse(answer)

    return Route(CREDENTIALS_PATH, serve, methods=["GET"])
