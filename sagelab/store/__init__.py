"""Durable state: metadata (SQLAlchemy Core) and blobs (files or an S3-compatible store)."""
