"""How the platform agent fails: the user's mistake, or ours."""

from __future__ import annotations


class ClientFault(Exception):
    """The request or its data is wrong (FailureReason `ClientError: …`)."""


class Stopped(BaseException):
    """SIGTERM arrived: StopTrainingJob or MaxRuntimeInSeconds. A BaseException so that an
    algorithm's `except Exception` does not swallow it."""
