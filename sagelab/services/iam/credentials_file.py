"""The classic `credentials.csv` the console offered for a new user, which
`aws configure import --csv` reads (contracts §5.4): bare commas, no quoting, so generated
passwords never contain a comma."""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from typing import NamedTuple

HEADER = "User name,Password,Access key ID,Secret access key,Console login link"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()_+-=[]{}|"


class CredentialRow(NamedTuple):
    user_name: str
    password: str
    access_key_id: str
    secret_access_key: str
    console_login_link: str


def console_link(account_id: str, alias: str | None = None) -> str:
    return f"https://{alias or account_id}.signin.aws.amazon.com/console"


def generate_password(length: int = 20) -> str:
    """A password with every character class, so it meets any password policy's classes."""
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*")
    chosen = [secrets.choice(c) for c in classes]
    chosen += [secrets.choice(_PASSWORD_ALPHABET) for _ in range(length - len(chosen))]
    secrets.SystemRandom().shuffle(chosen)
    return "".join(chosen)


def credentials_csv(rows: Iterable[CredentialRow]) -> str:
    lines = [HEADER]
    for row in rows:
        if any("," in field or "\n" in field for field in row):
            raise ValueError(f"a credentials file field may not hold a comma: {row.user_name}")
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"
