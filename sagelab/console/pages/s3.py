"""S3 console: the buckets list, Create bucket, Empty and Delete bucket. The objects tab
lives in `s3_objects.py`, Properties and Permissions in `s3_config.py`."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from sagelab.console.listing import S3_BUCKETS, console_page
from sagelab.console.pagekit import Crumb, MenuEntry, PageContext, page, url
from sagelab.console.pages import s3_keys
from sagelab.gateway.errors import ServiceError

MENU = [MenuEntry(20, "S3", "/s3/buckets", "Scalable storage in the cloud")]
PAGE_SIZE = 100
EMPTY_WORD = "permanently delete"  # the AWS console's typed confirmation


def bucket_url(bucket: str, rest: str = "") -> str:
    return url(f"/s3/buckets/{quote(bucket)}{rest}")


def crumbs(bucket: str | None = None, *more: Crumb) -> list[Crumb]:
    trail = [Crumb("Amazon S3", url("/s3/buckets")), Crumb("Buckets", url("/s3/buckets"))]
    if bucket is not None:
        trail.append(Crumb(bucket, bucket_url(bucket)))
    return trail + list(more)


@page("/s3")
def s3_home(pc: PageContext) -> Response:
    return pc.redirect(url("/s3/buckets"))


@page("/s3/buckets")
def buckets(pc: PageContext) -> Response:
    find = pc.query("prefix").strip()
    return pc.render(
        "s3/buckets.html",
        title="Buckets",
        crumbs=crumbs(),
        find=find,
        here=url(f"/s3/buckets?prefix={quote(find)}"),
        **console_page(pc, S3_BUCKETS, "ListBuckets", "Buckets", PAGE_SIZE, Prefix=find or None),
    )


def _create_form(pc: PageContext, error: ServiceError | None = None) -> Response:
    return pc.render(
        "s3/create_bucket.html",
        title="Create bucket",
        crumbs=crumbs(None, Crumb("Create bucket")),
        name=pc.field("bucket_name"),
        regions=[(pc.console.region, pc.console.region)],
        error=error,
        status=400 if error else 200,
    )


@page("/s3/bucket/create")
def create_bucket(pc: PageContext) -> Response:
    return _create_form(pc)


@page("/s3/bucket/create", methods=("POST",))
def create_bucket_submit(pc: PageContext) -> Response:
    name, region = pc.field("bucket_name").strip(), pc.field("region") or pc.console.region
    # us-east-1 is the one region CreateBucket must not name (AWS answers InvalidLocationConstraint)
    where = None if region == "us-east-1" else {"LocationConstraint": region}
    try:
        pc.call("s3", "CreateBucket", Bucket=name, CreateBucketConfiguration=where)
    except ServiceError as err:
        return _create_form(pc, err)
    return pc.redirect(url("/s3/buckets"), flash=f'Successfully created bucket "{name}"')


def _confirm_page(
    pc: PageContext, template: str, title: str, error: ServiceError | None = None
) -> Response:
    bucket = pc.path_param("bucket")
    return pc.render(
        template,
        title=title,
        crumbs=crumbs(bucket, Crumb(title)),
        bucket=bucket,
        word=EMPTY_WORD,
        not_empty=not s3_keys.is_empty(pc, bucket),
        error=error,
        status=409 if error else 200,
    )


@page("/s3/buckets/{bucket}/empty")
def empty_bucket(pc: PageContext) -> Response:
    return _confirm_page(pc, "s3/empty_bucket.html", "Empty bucket")


@page("/s3/buckets/{bucket}/empty", methods=("POST",))
def empty_bucket_submit(pc: PageContext) -> Response:
    bucket = pc.path_param("bucket")
    if pc.field("confirm") != EMPTY_WORD:
        wrong = ServiceError("Confirmation", f"To confirm, type {EMPTY_WORD}.")
        return _confirm_page(pc, "s3/empty_bucket.html", "Empty bucket", wrong)
    try:
        count = s3_keys.delete_all(pc, bucket, s3_keys.every_version(pc, bucket))
    except ServiceError as err:
        return _confirm_page(pc, "s3/empty_bucket.html", "Empty bucket", err)
    return pc.redirect(
        url("/s3/buckets"), flash=f'Successfully emptied bucket "{bucket}" ({count} deleted)'
    )


@page("/s3/buckets/{bucket}/delete")
def delete_bucket(pc: PageContext) -> Response:
    return _confirm_page(pc, "s3/delete_bucket.html", "Delete bucket")


@page("/s3/buckets/{bucket}/delete", methods=("POST",))
def delete_bucket_submit(pc: PageContext) -> Response:
    bucket = pc.path_param("bucket")
    if pc.field("confirm") != bucket:
        wrong = ServiceError("Confirmation", "To confirm, enter the name of the bucket.")
        return _confirm_page(pc, "s3/delete_bucket.html", "Delete bucket", wrong)
    try:
        pc.call("s3", "DeleteBucket", Bucket=bucket)
    except ServiceError as err:
        return _confirm_page(pc, "s3/delete_bucket.html", "Delete bucket", err)
    return pc.redirect(url("/s3/buckets"), flash=f'Successfully deleted bucket "{bucket}"')


ROUTES = [
    s3_home,
    buckets,
    create_bucket,
    create_bucket_submit,
    empty_bucket,
    empty_bucket_submit,
    delete_bucket,
    delete_bucket_submit,
]
