"""The baseline for the gateway bench: a bare Starlette app on uvicorn that answers every
request with fixed bytes (what sagelab answered to the same call), nothing else."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reply", type=Path, required=True, help="JSON: status, headers, body")
    args = parser.parse_args()
    reply = json.loads(args.reply.read_text())

    async def answer(request: Request) -> Response:
        await request.body()
        return Response(
            reply["body"].encode(), status_code=reply["status"], headers=reply["headers"]
        )

    async def health(request: Request) -> Response:
        return Response(b"{}", media_type="application/json")

    app = Starlette(
        routes=[
            Route("/_sagelab/health", health),
            Route("/{path:path}", answer, methods=["GET", "POST", "PUT", "HEAD"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
