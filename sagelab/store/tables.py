"""Every metadata table, as SQLAlchemy Core. Alembic migrations under `migrations/` create them;
a test checks that the migrated schema equals this module.

Times are epoch seconds as floats (UTC): identical on SQLite and PostgreSQL, and what the JSON
protocols send anyway. Free-form documents (specs, tags, configs) are JSON columns.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("alias", String(63), unique=True),
    Column("created_at", Float, nullable=False),
    Column("settings", JSON, nullable=False, default=dict),
)

iam_users = Table(
    "iam_users",
    metadata,
    Column("account_id", String(12), primary_key=True),
    # IAM names are unique case-insensitively; `name_key` is the lower-cased name.
    Column("name_key", String(64), primary_key=True),
    Column("user_name", String(64), nullable=False),
    Column("user_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("permissions_boundary", String(2048)),
    Column("tags", JSON, nullable=False, default=list),
)

buckets = Table(
    "buckets",
    metadata,
    Column("name", String(63), primary_key=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("versioning", String(16)),  # None (never enabled), "Enabled", "Suspended"
    Column("config", JSON, nullable=False, default=dict),  # policy, cors, tagging, lifecycle...
)

objects = Table(
    "objects",
    metadata,
    Column("bucket", String(63), primary_key=True),
    Column("key", String(1024), primary_key=True),
    # "null" for objects written while versioning was never enabled, as S3 reports it.
    Column("version_id", String(64), primary_key=True),
    Column("is_latest", Boolean, nullable=False),
    Column("delete_marker", Boolean, nullable=False, default=False),
    Column("blob_id", String(64)),
    Column("size", BigInteger, nullable=False, default=0),
    Column("etag", String(64), nullable=False, default=""),
    Column("last_modified", Float, nullable=False),
    Column("seq", BigInteger, nullable=False),  # orders versions of one key
    Column("content_type", String(256)),
    Column("headers", JSON, nullable=False, default=dict),  # Content-Encoding, Cache-Control...
    Column("user_metadata", JSON, nullable=False, default=dict),
    Column("checksums", JSON, nullable=False, default=dict),  # {"CRC32": b64, ...}
    Column("storage_class", String(32), nullable=False, default="STANDARD"),
    Column("tags", JSON, nullable=False, default=dict),
    Column("parts", JSON),  # multipart: [{"size":..., "checksums":...}] for partNumber GETs
)
Index("ix_objects_latest", objects.c.bucket, objects.c.is_latest, objects.c.key)

# Every SageMaker resource (training job, model, endpoint config, endpoint, transform job,
# notebook instance, lifecycle config...) is a row of one kind: the API's Describe document
# lives in `doc`, the columns are what List* filters and sorts on.
sm_resources = Table(
    "sm_resources",
    metadata,
    Column("kind", String(48), primary_key=True),
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column(
        "name_key", String(128), primary_key=True
    ),  # lower-cased: names are unique case-insensitively
    Column("name", String(128), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("status", String(32)),
    Column("created_at", Float, nullable=False),
    Column("modified_at", Float, nullable=False),
    Column("doc", JSON, nullable=False),
    Column("desired", JSON),  # what an API call asked for; the reconciler acts on it
    Column("tags", JSON, nullable=False, default=list),
)
Index(
    "ix_sm_resources_created",
    sm_resources.c.kind,
    sm_resources.c.account_id,
    sm_resources.c.created_at,
)

log_groups = Table(
    "log_groups",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("name", String(512), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("retention_days", Integer),
    Column("tags", JSON, nullable=False, default=dict),
)

log_streams = Table(
    "log_streams",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("group_name", String(512), primary_key=True),
    Column("name", String(512), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("first_event_ms", BigInteger),
    Column("last_event_ms", BigInteger),
    Column("last_ingestion_ms", BigInteger),
    Column("stored_bytes", BigInteger, nullable=False, default=0),
)

log_events = Table(
    "log_events",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("group_name", String(512), nullable=False),
    Column("stream_name", String(512), nullable=False),
    Column("timestamp_ms", BigInteger, nullable=False),
    Column("ingestion_ms", BigInteger, nullable=False),
    Column("message", Text, nullable=False),
)
Index(
    "ix_log_events_stream",
    log_events.c.account_id,
    log_events.c.region,
    log_events.c.group_name,
    log_events.c.stream_name,
    log_events.c.id,
)
