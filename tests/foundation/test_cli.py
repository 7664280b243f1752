"""`sagelab env` and `sagelab env --profile`: what a user evals or configures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sagelab.testing import SagelabServer


def _sagelab(*args: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "sagelab.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout


def test_env_prints_exports_that_the_cli_uses(server: SagelabServer) -> None:
    base = {k: v for k, v in server.env().items() if not k.startswith("AWS_")}
    out = _sagelab("env", "--data-dir", str(server.data_dir), env=base)
    exports = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
    assert exports["AWS_ENDPOINT_URL"] == server.endpoint_url
    assert exports["AWS_ACCESS_KEY_ID"] == server.access_key_id
    assert exports["AWS_SECRET_ACCESS_KEY"] == server.secret_access_key
    assert exports["AWS_DEFAULT_REGION"] == "us-east-1"
    shell = (
        f'eval "$({sys.executable} -m sagelab.cli env --data-dir {server.data_dir})"; '
        f"{sys.executable} -m awscli sts get-caller-identity --query Account --output text"
    )
    result = subprocess.run(
        ["bash", "-c", shell], env=base, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == server.account_id, result.stderr


def test_env_profile_writes_a_working_cli_profile(server: SagelabServer, tmp_path: Path) -> None:
    base = {k: v for k, v in server.env().items() if not k.startswith("AWS_")}
    base["AWS_CONFIG_FILE"] = str(tmp_path / "config")
    base["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "credentials")
    _sagelab("env", "--data-dir", str(server.data_dir), "--profile", "lab", env=base)
    assert "[profile lab]" in (tmp_path / "config").read_text()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "--profile",
            "lab",
            "sts",
            "get-caller-identity",
            "--query",
            "Account",
            "--output",
            "text",
        ],
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.strip() == server.account_id, out.stderr


def test_credentials_csv_gives_a_user_working_keys(server: SagelabServer, tmp_path: Path) -> None:
    server.client("iam").create_user(UserName="csv-student")
    base = {k: v for k, v in server.env().items() if not k.startswith("AWS_")}
    out = tmp_path / "credentials.csv"
    _sagelab(
        "credentials-csv",
        "csv-student",
        "--password",
        "--output",
        str(out),
        "--data-dir",
        str(server.data_dir),
        env=base,
    )
    assert out.stat().st_mode & 0o777 == 0o600
    header, row = out.read_text().splitlines()
    assert header == "User name,Password,Access key ID,Secret access key,Console login link"
    user, password, key_id, secret, link = row.split(",")
    assert (user, len(password) >= 8, link.startswith(server.endpoint_url)) == (
        "csv-student",
        True,
        True,
    )
    ident = server.client("sts", aws_access_key_id=key_id, aws_secret_access_key=secret)
    arn = ident.get_caller_identity()["Arn"]
    assert arn == f"arn:aws:iam::{server.account_id}:user/csv-student"
    profile = server.client("iam").get_login_profile(UserName="csv-student")["LoginProfile"]
    assert profile["UserName"] == "csv-student"
