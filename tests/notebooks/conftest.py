"""This folder's fixtures live in nb_kit, which tests import by name (a conftest module
cannot be imported by name reliably: every test folder has one)."""

from nb_kit import data_bucket, jupyter, role_arn  # noqa: F401
