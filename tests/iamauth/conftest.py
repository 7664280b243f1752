"""This folder's fixtures live in authz_kit, which tests import by name (a conftest module
cannot be imported by name reliably: every test folder has one)."""

from authz_kit import bucket, person  # noqa: F401
