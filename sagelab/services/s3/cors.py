"""CORS: a bucket's rules, and which rule (if any) lets a browser's request through.

S3 takes the first rule whose origin pattern, method and every requested header match; an
origin or header pattern may hold one `*`. Headers match case-insensitively, origins do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from sagelab.services.s3.config_errors import invalid_request

SECTION = "cors"
METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_RULES = 100
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"


@dataclass(frozen=True)
class CorsRequest:
    """What a browser asks: its origin, the method, the headers it means to send."""

    origin: str
    method: str
    headers: tuple[str, ...] = ()


def check_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules as stored, or InvalidRequest worded as S3 words it."""
    if len(rules) > MAX_RULES:
        raise invalid_request(
            f"The number of CORS rules should not exceed allowed limit of {MAX_RULES} rules."
        )
    for rule in rules:
        for method in rule["AllowedMethods"]:
            if method not in METHODS:
                raise invalid_request(
                    f"Found unsupported HTTP method in CORS config. Unsupported method is {method}"
                )
        _one_wildcard(rule["AllowedOrigins"], "AllowedOrigin")
        _one_wildcard(rule.get("AllowedHeaders", []), "AllowedHeader")
    return rules


def _one_wildcard(patterns: list[str], what: str) -> None:
    for pattern in patterns:
        if pattern.count("*") > 1:
            raise invalid_request(f'{what} "{pattern}" can not have more than one wildcard.')


def matching_rule(rules: list[dict[str, Any]], request: CorsRequest) -> dict[str, Any] | None:
    for rule in rules:
        if (
            request.method in rule["AllowedMethods"]
            and _origin_pattern(rule, request.origin) is not None
            and all(_header_allowed(rule, h) for h in request.headers)
        ):
            return rule
    return None


def _origin_pattern(rule: dict[str, Any], origin: str) -> str | None:
    return next((p for p in rule["AllowedOrigins"] if _like(origin, p)), None)


def _header_allowed(rule: dict[str, Any], header: str) -> bool:
    return any(_like(header.lower(), p.lower()) for p in rule.get("AllowedHeaders", []))


def _like(value: str, pattern: str) -> bool:
    # Escape fnmatch's other metacharacters: `*` is the only wildcard S3 knows.
    escaped = "".join(f"[{c}]" if c in "?[]" else c for c in pattern)
    return fnmatchcase(value, escaped)


def allow_headers(rule: dict[str, Any], request: CorsRequest) -> list[tuple[str, str]]:
    """The Access-Control-* headers S3 answers when `rule` lets `request` through."""
    wildcard = _origin_pattern(rule, request.origin) == "*"
    out = [("Access-Control-Allow-Origin", "*" if wildcard else request.origin)]
    if not wildcard:
        out.append(("Access-Control-Allow-Credentials", "true"))
    out.append(("Access-Control-Allow-Methods", ", ".join(rule["AllowedMethods"])))
    if request.headers:
        out.append(("Access-Control-Allow-Headers", ", ".join(request.headers)))
    if rule.get("ExposeHeaders"):
        out.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        out.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    out.append(("Vary", VARY))
    return out


def requested_headers(header: str | None) -> tuple[str, ...]:
    """`Access-Control-Request-Headers: a, B` → ("a", "b")."""
    return tuple(h.strip().lower() for h in (header or "").split(",") if h.strip())
