"""S3 console, inside a bucket: the Objects tab (prefixes as folders, one ListObjectsV2
page per console page), Create folder, Upload (the browser PUTs to presigned URLs),
Download (a presigned GET), Delete objects, and an object's details."""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote

from starlette.responses import JSONResponse, RedirectResponse, Response

from sagelab import arns
from sagelab.console.listing import S3_OBJECTS, api_page
from sagelab.console.pagekit import Crumb, PageContext, page
from sagelab.console.pages import s3_keys, s3_links
from sagelab.console.pages.s3 import PAGE_SIZE, bucket_url, crumbs
from sagelab.gateway.errors import ServiceError
from sagelab.gateway.sigv4 import Credential


def folder_crumbs(bucket: str, prefix: str) -> list[Crumb]:
    """One crumb per folder of `prefix`, as the AWS console's path bar."""
    trail, walked = crumbs(bucket), ""
    for part in [p for p in prefix.split("/") if p]:
        walked += part + "/"
        trail.append(Crumb(part + "/", bucket_url(bucket, f"?prefix={quote(walked)}")))
    return trail


def _rows(out: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    folders = [
        {"key": p["Prefix"], "name": p["Prefix"][len(prefix) :], "type": "Folder"}
        for p in out.get("CommonPrefixes") or []
    ]
    files = [
        {
            "key": o["Key"],
            "name": o["Key"][len(prefix) :],
            "type": posixpath.splitext(o["Key"])[1].lstrip(".") or "-",
            "size": o["Size"],
            "modified": o["LastModified"],
            "storage_class": o.get("StorageClass") or "STANDARD",
        }
        for o in out.get("Contents") or []
        if o["Key"] != prefix  # the folder's own placeholder object
    ]
    return folders + files


@page("/s3/buckets/{bucket}")
def objects(pc: PageContext) -> Response:
    bucket, prefix = pc.path_param("bucket"), pc.query("prefix")
    out, next_token = api_page(
        pc,
        S3_OBJECTS,
        "ListObjectsV2",
        pc.query("next") or None,
        PAGE_SIZE,
        Bucket=bucket,
        Prefix=prefix or None,
        Delimiter="/",
    )
    return pc.render(
        "s3/objects.html",
        title=bucket,
        crumbs=folder_crumbs(bucket, prefix),
        bucket=bucket,
        prefix=prefix,
        rows=_rows(out, prefix),
        next_token=next_token,
        here=bucket_url(bucket, f"?prefix={quote(prefix)}"),
        tab="objects",
    )


def _folder_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    bucket, prefix = pc.path_param("bucket"), pc.query("prefix") or pc.field("prefix")
    return pc.render(
        "s3/create_folder.html",
        title="Create folder",
        crumbs=[*folder_crumbs(bucket, prefix), Crumb("Create folder")],
        bucket=bucket,
        prefix=prefix,
        name=pc.field("folder_name"),
        error=error,
        status=400 if error else 200,
    )


@page("/s3/buckets/{bucket}/create-folder")
def create_folder(pc: PageContext) -> Response:
    return _folder_form(pc)


@page("/s3/buckets/{bucket}/create-folder", methods=("POST",))
def create_folder_submit(pc: PageContext) -> Response:
    bucket, prefix = pc.path_param("bucket"), pc.field("prefix")
    name = pc.field("folder_name").strip().strip("/")
    if not name:
        return _folder_form(pc, ServiceError("InvalidFolderName", "Enter a folder name."))
    try:
        # A folder is the zero-byte object "<prefix><name>/", as the AWS console makes it.
        pc.call("s3", "PutObject", Bucket=bucket, Key=f"{prefix}{name}/", Body=b"")
    except ServiceError as err:
        return _folder_form(pc, err)
    return pc.redirect(
        bucket_url(bucket, f"?prefix={quote(prefix)}"),
        flash=f'Successfully created folder "{name}".',
    )


@page("/s3/buckets/{bucket}/upload")
def upload(pc: PageContext) -> Response:
    bucket, prefix = pc.path_param("bucket"), pc.query("prefix")
    return pc.render(
        "s3/upload.html",
        title="Upload",
        crumbs=[*folder_crumbs(bucket, prefix), Crumb("Upload")],
        bucket=bucket,
        prefix=prefix,
        destination=f"s3://{bucket}/{prefix}",
    )


@page("/s3/buckets/{bucket}/upload-urls", methods=("POST",))
def upload_urls(pc: PageContext) -> Response:
    """Presigned PUT URLs for the keys the upload page is about to send (fetch, JSON)."""
    bucket, credential = pc.path_param("bucket"), _credential(pc)
    target = (pc.endpoint_url, bucket)
    urls = {
        key: s3_links.presign(credential, pc.console.region, "PUT", (*target, key))
        for key in pc.fields("key")
    }
    return JSONResponse({"urls": urls})


def _credential(pc: PageContext) -> Credential:
    if pc.session is None:  # pages need a session: the wrapper sent strangers to sign-in
        raise RuntimeError("no console session")
    return pc.session.credential


def _presigned_get(pc: PageContext, bucket: str, key: str, disposition: str) -> str:
    credential = _credential(pc)
    name = posixpath.basename(key.rstrip("/")) or "download"
    query = {"response-content-disposition": f'{disposition}; filename="{name}"'}
    return s3_links.presign(
        credential, pc.console.region, "GET", (pc.endpoint_url, bucket, key), query
    )


@page("/s3/buckets/{bucket}/download")
def download(pc: PageContext) -> Response:
    bucket, key = pc.path_param("bucket"), pc.query("key")
    disposition = "inline" if pc.query("open") else "attachment"
    return RedirectResponse(_presigned_get(pc, bucket, key, disposition), status_code=303)


@page("/s3/buckets/{bucket}/delete-objects", methods=("POST",))
def delete_objects(pc: PageContext) -> Response:
    """The selection's objects, and everything under a selected folder (as AWS's console)."""
    bucket, prefix = pc.path_param("bucket"), pc.field("prefix")
    here = bucket_url(bucket, f"?prefix={quote(prefix)}")
    chosen = pc.fields("selected")

    def targets() -> Any:
        for key in chosen:
            if key.endswith("/"):
                yield from ({"Key": k} for k in s3_keys.keys_under(pc, bucket, key))
            else:
                yield {"Key": key}

    try:
        count = s3_keys.delete_all(pc, bucket, targets())
    except ServiceError as err:
        return pc.redirect(here, flash=f"{err.code}: {err.message}", level="error")
    return pc.redirect(here, flash=f"Successfully deleted {count} object{'s' * (count != 1)}.")


def _tags(pc: PageContext, bucket: str, key: str) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = (
        pc.call("s3", "GetObjectTagging", Bucket=bucket, Key=key).get("TagSet") or []
    )
    return tags


@page("/s3/buckets/{bucket}/object")
def object_details(pc: PageContext) -> Response:
    bucket, key = pc.path_param("bucket"), pc.query("key")
    head = pc.call("s3", "HeadObject", Bucket=bucket, Key=key)
    folder = key.rsplit("/", 1)[0] + "/" if "/" in key else ""
    return pc.render(
        "s3/object.html",
        title=posixpath.basename(key) or key,
        crumbs=[*folder_crumbs(bucket, folder), Crumb(posixpath.basename(key) or key)],
        bucket=bucket,
        key=key,
        head=head,
        tags=_tags(pc, bucket, key),
        s3_uri=f"s3://{bucket}/{key}",
        arn=arns.s3_object(bucket, key),
        object_url=s3_links.object_url(pc.endpoint_url, bucket, key),
    )


ROUTES = [
    objects,
    create_folder,
    create_folder_submit,
    upload,
    upload_urls,
    download,
    delete_objects,
    object_details,
]
