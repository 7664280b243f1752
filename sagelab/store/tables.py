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

# --- IAM and STS (groups, roles, policies, keys, sessions) -----------------------------------
# Entities are keyed by (account_id, lower-cased name): IAM names are unique case-insensitively.
# Secrets (access keys' secrets) are stored encrypted; passwords as salted scrypt hashes.

iam_groups = Table(
    "iam_groups",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("name_key", String(128), primary_key=True),
    Column("group_name", String(128), nullable=False),
    Column("group_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", Float, nullable=False),
)

iam_group_members = Table(
    "iam_group_members",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("group_key", String(128), primary_key=True),
    Column("user_key", String(64), primary_key=True),
    Column("added_at", Float, nullable=False),
)

iam_roles = Table(
    "iam_roles",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("name_key", String(64), primary_key=True),
    Column("role_name", String(64), nullable=False),
    Column("role_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("description", String(1000)),
    Column("max_session_duration", Integer, nullable=False),
    Column("trust_policy", Text, nullable=False),
    Column("permissions_boundary", String(2048)),
    Column("tags", JSON, nullable=False, default=list),
)

# Customer-managed policies; AWS-managed ones are shipped data (services/iam/managed/).
iam_policies = Table(
    "iam_policies",
    metadata,
    Column("arn", String(2048), primary_key=True),
    Column("account_id", String(12), nullable=False),
    Column("name_key", String(128), nullable=False),
    Column("policy_name", String(128), nullable=False),
    Column("policy_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("description", String(1000)),
    Column("default_version", String(16), nullable=False),
    Column("next_version", Integer, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("tags", JSON, nullable=False, default=list),
)

iam_policy_versions = Table(
    "iam_policy_versions",
    metadata,
    Column("policy_arn", String(2048), primary_key=True),
    Column("version_id", String(16), primary_key=True),
    Column("document", Text, nullable=False),
    Column("created_at", Float, nullable=False),
)

# Inline policies and managed-policy attachments of users, groups and roles
# (`entity_kind` is "user", "group" or "role"; `entity_key` the entity's name_key).
iam_inline_policies = Table(
    "iam_inline_policies",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("entity_kind", String(8), primary_key=True),
    Column("entity_key", String(128), primary_key=True),
    Column("name_key", String(128), primary_key=True),
    Column("policy_name", String(128), nullable=False),
    Column("document", Text, nullable=False),
)

iam_attachments = Table(
    "iam_attachments",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("entity_kind", String(8), primary_key=True),
    Column("entity_key", String(128), primary_key=True),
    Column("policy_arn", String(2048), primary_key=True),
)

iam_access_keys = Table(
    "iam_access_keys",
    metadata,
    Column("access_key_id", String(32), primary_key=True),
    Column("account_id", String(12), nullable=False),
    Column("user_key", String(64), nullable=False),
    Column("secret", Text, nullable=False),  # encrypted with the data dir's secrets key
    Column("status", String(8), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_used_at", Float),
    Column("last_used_service", String(64)),
    Column("last_used_region", String(32)),
)
Index("ix_iam_access_keys_user", iam_access_keys.c.account_id, iam_access_keys.c.user_key)

iam_login_profiles = Table(
    "iam_login_profiles",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("user_key", String(64), primary_key=True),
    Column("password_salt", String(64), nullable=False),
    Column("password_hash", String(128), nullable=False),
    Column("reset_required", Boolean, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("last_used_at", Float),
)

# Temporary credentials (AssumeRole, GetSessionToken, sessions minted for jobs). A row per
# access key; the session token is recomputed from the row and verified on every request.
sts_sessions = Table(
    "sts_sessions",
    metadata,
    Column("access_key_id", String(32), primary_key=True),
    Column("account_id", String(12), nullable=False),
    Column("kind", String(16), nullable=False),  # "assumed-role" or "user"
    Column("entity_key", String(64), nullable=False),
    Column("entity_id", String(32), nullable=False),  # the role's or user's unique id
    Column("session_name", String(64), nullable=False),
    Column("secret", Text, nullable=False),
    Column("session_policy", Text),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)
Index("ix_sts_sessions_entity", sts_sessions.c.account_id, sts_sessions.c.entity_key)

# -- CloudWatch Logs (indexes) and CloudWatch metrics ------------------------------------------

# GetLogEvents pages a stream in (timestamp, id) order; FilterLogEvents a whole group.
Index(
    "ix_log_events_stream_time",
    log_events.c.account_id,
    log_events.c.region,
    log_events.c.group_name,
    log_events.c.stream_name,
    log_events.c.timestamp_ms,
    log_events.c.id,
)
Index(
    "ix_log_events_group_time",
    log_events.c.account_id,
    log_events.c.region,
    log_events.c.group_name,
    log_events.c.timestamp_ms,
    log_events.c.id,
)

# One row per metric (namespace, name and exact dimension set): what ListMetrics lists.
cw_metrics = Table(
    "cw_metrics",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("namespace", String(255), nullable=False),
    Column("metric_name", String(255), nullable=False),
    Column("dims_key", Text, nullable=False),  # canonical JSON of the sorted dimensions
    Column("dimensions", JSON, nullable=False),  # [{"Name", "Value"}] sorted by name
    Column("last_put_at", Float, nullable=False),
)
Index(
    "ix_cw_metrics_identity",
    cw_metrics.c.account_id,
    cw_metrics.c.region,
    cw_metrics.c.namespace,
    cw_metrics.c.metric_name,
    cw_metrics.c.dims_key,
    unique=True,
)

# A raw value (minimum == maximum, sample_count = its count) or a statistic set.
cw_datapoints = Table(
    "cw_datapoints",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("metric_id", BigInteger, nullable=False),
    Column("timestamp", Float, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("sample_count", Float, nullable=False),
    Column("sum", Float, nullable=False),
    Column("minimum", Float, nullable=False),
    Column("maximum", Float, nullable=False),
)
Index("ix_cw_datapoints_metric_time", cw_datapoints.c.metric_id, cw_datapoints.c.timestamp)

# --- S3 objects: versions and multipart uploads -----------------------------------------------

# ListObjectVersions walks one key's versions newest first.
Index("ix_objects_versions", objects.c.bucket, objects.c.key, objects.c.seq.desc())

s3_uploads = Table(
    "s3_uploads",
    metadata,
    Column("upload_id", String(64), primary_key=True),
    Column("bucket", String(63), nullable=False),
    Column("key", String(1024), nullable=False),
    Column("initiated", Float, nullable=False),
    Column("initiator", String(2048), nullable=False),
    Column("spec", JSON, nullable=False),  # the object's ObjectSpec, checksums aside
    Column("checksum_algorithm", String(16)),
    Column("checksum_type", String(16)),
)
Index("ix_s3_uploads_key", s3_uploads.c.bucket, s3_uploads.c.key, s3_uploads.c.initiated)

s3_parts = Table(
    "s3_parts",
    metadata,
    Column("upload_id", String(64), primary_key=True),
    Column("part_number", Integer, primary_key=True),
    Column("blob_id", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("etag", String(64), nullable=False),
    Column("last_modified", Float, nullable=False),
    Column("checksums", JSON, nullable=False, default=dict),
)

# --- SageMaker training: one row per host of a training job -----------------------------------

# What the reconciler has copied of a host's output into CloudWatch Logs, so a restarted
# server goes on where it stopped instead of repeating or losing lines.
training_hosts = Table(
    "training_hosts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("job_key", String(128), primary_key=True),  # sm_resources.name_key
    Column("host", String(16), primary_key=True),  # algo-1...
    Column("process", String(512), nullable=False),  # the runner's name for it
    Column("log_stream", String(512), nullable=False),
    Column("log_offset", BigInteger, nullable=False, default=0),
)

# --- SageMaker notebook instances --------------------------------------------------------------

# What runs for an instance that is (becoming) InService: the reconciler's bookkeeping, never
# shown through the API. Secrets are stored encrypted with the data dir's keyring.
notebook_runtimes = Table(
    "notebook_runtimes",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("name_key", String(64), primary_key=True),  # sm_resources.name_key
    Column("phase", String(16), nullable=False),  # on-create, on-start, jupyter
    Column("port", Integer, nullable=False),
    Column("jupyter_token", String(256), nullable=False),  # encrypted
    Column("credential_hash", String(64), nullable=False, unique=True),  # sha256 hex
    Column("started_at", Float, nullable=False),
    Column("restarts", Integer, nullable=False, default=0),
)

# Presigned-URL tokens (one-time) and the browser sessions they open, by sha256 of the secret.
notebook_sessions = Table(
    "notebook_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),  # url | cookie
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name_key", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
)

# Metering: one row per InService interval (ended_at null while it lasts).
notebook_usage = Table(
    "notebook_usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(12), nullable=False),
    Column("region", String(32), nullable=False),
    Column("name_key", String(64), nullable=False),
    Column("instance_type", String(32), nullable=False),
    Column("started_at", Float, nullable=False),
    Column("ended_at", Float),
)
Index(
    "ix_notebook_usage_open",
    notebook_usage.c.account_id,
    notebook_usage.c.region,
    notebook_usage.c.name_key,
    notebook_usage.c.ended_at,
)

# ---- hosting ------------------------------------------------------------------------------
# One row per model-server instance of an endpoint; `generation` counts endpoint configs
# (UpdateEndpoint starts a new one), `routed` marks the generation InvokeEndpoint uses.
hosting_instances = Table(
    "hosting_instances",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("endpoint_key", String(64), primary_key=True),  # sm_resources.name_key
    Column("generation", Integer, primary_key=True),
    Column("variant", String(64), primary_key=True),
    Column("slot", Integer, primary_key=True),  # 0..InstanceCount-1
    Column("instance_id", String(32), nullable=False),
    Column("process", String(512), nullable=False),
    Column("state", String(16), nullable=False),  # starting | ready | failed
    Column("port", Integer),
    Column("routed", Boolean, nullable=False, default=False),
    Column("log_offset", BigInteger, nullable=False, default=0),
)

# --- SageMaker transform jobs ------------------------------------------------------------------

# One row per instance of a transform job (as `training_hosts` for training): its child
# process, its log stream, and how far its output has been copied to CloudWatch Logs.
transform_hosts = Table(
    "transform_hosts",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("job_key", String(128), primary_key=True),  # sm_resources.name_key
    Column("host", String(16), primary_key=True),  # algo-1...
    Column("process", String(512), nullable=False),  # the runner's name for it
    Column("log_stream", String(512), nullable=False),
    Column("log_offset", BigInteger, nullable=False, default=0),
)

# --- billing: what the meter accrues by sampling (hosting, S3) and the last use of resources ---

# Usage the meter samples or counts, summed per UTC day: hosting instance seconds, S3 storage
# (GB-months) and S3 requests. Notebook and training usage are read from their own records.
billing_usage = Table(
    "billing_usage",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("day", String(10), primary_key=True),  # YYYY-MM-DD, UTC
    Column("usage_type", String(64), primary_key=True),
    Column("resource", String(2048), primary_key=True),  # an endpoint's ARN, a bucket's name
    Column("quantity", Float, nullable=False),
)

# When a notebook instance was last used through the proxy (flushed from memory, not written
# per request); what the forgotten-resources check and idle auto-stop read.
billing_activity = Table(
    "billing_activity",
    metadata,
    Column("account_id", String(12), primary_key=True),
    Column("region", String(32), primary_key=True),
    Column("kind", String(48), primary_key=True),
    Column("name_key", String(128), primary_key=True),
    Column("last_used_at", Float, nullable=False),
)
