"""Positions in a stream's (timestamp, id) order, and the tokens that carry them.

GetLogEvents' tokens are `f/<digits>` (read forward, after the position) and `b/<digits>`
(read backward, before it), the form AWS gives. A token names a position, not a page, so a
client holding the end token sees events appended later (SDK v3 polls that way).
FilterLogEvents' `nextToken` and every `eventId` are the same digits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sagelab.services.logs.errors import InvalidParameter

_TS_DIGITS = 15
_ID_DIGITS = 20
INVALID_TOKEN = "The specified nextToken is invalid."


@dataclass(frozen=True, order=True)
class Position:
    timestamp_ms: int
    event_id: int

    def digits(self) -> str:
        return f"{self.timestamp_ms:0{_TS_DIGITS}d}{self.event_id:0{_ID_DIGITS}d}"

    @classmethod
    def from_digits(cls, text: str) -> Position:
        if len(text) != _TS_DIGITS + _ID_DIGITS or not text.isdigit():
            raise InvalidParameter(message=INVALID_TOKEN)
        return cls(int(text[:_TS_DIGITS]), int(text[_TS_DIGITS:]))


def forward(position: Position) -> str:
    return f"f/{position.digits()}"


def backward(position: Position) -> str:
    return f"b/{position.digits()}"


def parse(token: str) -> tuple[bool, Position]:
    """(reads forward, position) of a GetLogEvents token."""
    direction, _, digits = token.partition("/")
    if direction not in ("f", "b"):
        raise InvalidParameter(message=INVALID_TOKEN)
    return direction == "f", Position.from_digits(digits)
