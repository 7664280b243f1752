"""This folder's fixtures live in algo_kit, which tests import by name (a conftest module
cannot be imported by name reliably: every test folder has one)."""

from algo_kit import boston_split  # noqa: F401
