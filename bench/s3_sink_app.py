"""The ceiling for S3 upload benchmarks: a bare Starlette app on uvicorn that reads and
discards each body and answers just enough S3 for boto3's transfer manager (multipart
create/part/complete, single PUT). What boto3 reaches against it is the client's own limit
(SigV4 payload hashing, checksums, HTTP) on this machine.

    python bench/s3_sink_app.py --port N
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_XML = "application/xml"


async def sink(request: Request) -> Response:
    async for _ in request.stream():
        pass
    query = request.query_params
    if request.method == "POST" and "uploads" in query:
        body = (
            "<InitiateMultipartUploadResult><UploadId>sink</UploadId>"
            "</InitiateMultipartUploadResult>"
        )
        return Response(body, media_type=_XML)
    if request.method == "POST" and "uploadId" in query:
        body = (
            '<CompleteMultipartUploadResult><ETag>"sink-1"</ETag></CompleteMultipartUploadResult>'
        )
        return Response(body, media_type=_XML)
    return Response(b"", headers={"ETag": '"sink"'})


async def health(request: Request) -> Response:
    return Response(b"{}", media_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = Starlette(
        routes=[
            Route("/_sagelab/health", health),
            Route("/{path:path}", sink, methods=["PUT", "POST"]),
        ]
    )
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
