"""IAM and STS: groups, roles, managed and inline policies, access keys, login profiles and
temporary sessions.

Revision ID: iam_1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "iam_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def _account_and_key(key: str = "name_key", length: int = 128) -> list[sa.Column[str]]:
    return [
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column(key, sa.String(length), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "iam_groups",
        *_account_and_key(),
        sa.Column("group_name", sa.String(128), nullable=False),
        sa.Column("group_id", sa.String(32), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "name_key"),
        sa.UniqueConstraint("group_id"),
    )
    op.create_table(
        "iam_group_members",
        *_account_and_key("group_key"),
        sa.Column("user_key", sa.String(64), nullable=False),
        sa.Column("added_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "group_key", "user_key"),
    )
    op.create_table(
        "iam_roles",
        *_account_and_key(length=64),
        sa.Column("role_name", sa.String(64), nullable=False),
        sa.Column("role_id", sa.String(32), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("arn", sa.String(2048), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("max_session_duration", sa.Integer(), nullable=False),
        sa.Column("trust_policy", sa.Text(), nullable=False),
        sa.Column("permissions_boundary", sa.String(2048), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "name_key"),
        sa.UniqueConstraint("role_id"),
    )
    op.create_table(
        "iam_policies",
        sa.Column("arn", sa.String(2048), nullable=False),
        *_account_and_key(),
        sa.Column("policy_name", sa.String(128), nullable=False),
        sa.Column("policy_id", sa.String(32), nullable=False),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("description", sa.String(1000), nullable=True),
        sa.Column("default_version", sa.String(16), nullable=False),
        sa.Column("next_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("arn"),
        sa.UniqueConstraint("policy_id"),
    )
    op.create_table(
        "iam_policy_versions",
        sa.Column("policy_arn", sa.String(2048), nullable=False),
        sa.Column("version_id", sa.String(16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("policy_arn", "version_id"),
    )
    op.create_table(
        "iam_inline_policies",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("entity_kind", sa.String(8), nullable=False),
        sa.Column("entity_key", sa.String(128), nullable=False),
        sa.Column("name_key", sa.String(128), nullable=False),
        sa.Column("policy_name", sa.String(128), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "entity_kind", "entity_key", "name_key"),
    )
    op.create_table(
        "iam_attachments",
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("entity_kind", sa.String(8), nullable=False),
        sa.Column("entity_key", sa.String(128), nullable=False),
        sa.Column("policy_arn", sa.String(2048), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "entity_kind", "entity_key", "policy_arn"),
    )
    op.create_table(
        "iam_access_keys",
        sa.Column("access_key_id", sa.String(32), nullable=False),
        *_account_and_key("user_key", 64),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_used_at", sa.Float(), nullable=True),
        sa.Column("last_used_service", sa.String(64), nullable=True),
        sa.Column("last_used_region", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("access_key_id"),
    )
    op.create_index("ix_iam_access_keys_user", "iam_access_keys", ["account_id", "user_key"])
    op.create_table(
        "iam_login_profiles",
        *_account_and_key("user_key", 64),
        sa.Column("password_salt", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(128), nullable=False),
        sa.Column("reset_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("last_used_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", "user_key"),
    )
    op.create_table(
        "sts_sessions",
        sa.Column("access_key_id", sa.String(32), nullable=False),
        sa.Column("account_id", sa.String(12), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entity_key", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(32), nullable=False),
        sa.Column("session_name", sa.String(64), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("session_policy", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("access_key_id"),
    )
    op.create_index("ix_sts_sessions_entity", "sts_sessions", ["account_id", "entity_key"])


def downgrade() -> None:
    op.drop_index("ix_sts_sessions_entity", "sts_sessions")
    op.drop_index("ix_iam_access_keys_user", "iam_access_keys")
    for table in (
        "sts_sessions",
        "iam_login_profiles",
        "iam_access_keys",
        "iam_attachments",
        "iam_inline_policies",
        "iam_policy_versions",
        "iam_policies",
        "iam_roles",
        "iam_group_members",
        "iam_groups",
    ):
        op.drop_table(table)
