"""The errors an algorithm raises, drawn once.

    Exception
    ├── UserError            the job's inputs are wrong; the platform reports "ClientError: …"
    │   ├── HyperParameterError
    │   └── DataError        names the file and the record that could not be read
    └── InvocationError      a bad inference request; carries the HTTP status to answer

Anything else escaping an algorithm is an internal fault ("AlgorithmError: …").
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: hyperparameters, data, channel configuration."""


class HyperParameterError(UserError):
    pass


class DataError(UserError):
    def __init__(self, source: str, record: int, problem: str) -> None:
        # Records are counted from 1, as a user reading the file would count lines.
        super().__init__(f"Unable to read data: {source}, record {record}: {problem}")
        self.source = source
        self.record = record


class InvocationError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status
