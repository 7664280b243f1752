"""`sagelab serve | env`: flags become Settings; serve runs uvicorn in the foreground."""

from __future__ import annotations

import argparse
import configparser
import json
import os
import sys
from pathlib import Path

from sagelab import __version__
from sagelab.accounts import load_root_secrets
from sagelab.config import Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="state directory (default ~/.sagelab; SAGELAB_DATA_DIR)")
    parser.add_argument("--region", help="default region (SAGELAB_REGION)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sagelab", description="Amazon SageMaker, self-hosted.")
    parser.add_argument("--version", action="version", version=f"sagelab {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server in the foreground")
    _common(serve)
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8321)")
    serve.add_argument("--metadata", help="metadata store URL: sqlite:///… or postgresql://…")
    serve.add_argument("--blobs", help="blob store URL: file:///… or s3://bucket/prefix?endpoint=…")
    serve.add_argument("--runner", help="where jobs run: local (default) or ray://…")
    serve.add_argument("--account-id", help="12-digit account id for a new data dir")
    serve.add_argument(
        "--allow-reset",
        action="store_true",
        default=None,
        help="answer root-signed POST /_sagelab/reset by wiping all state",
    )
    serve.add_argument("--log-level", help="uvicorn log level (default info)")
    env = sub.add_parser("env", help="print the AWS_* variables that point clients at sagelab")
    _common(env)
    env.add_argument("--profile", help="write an AWS CLI profile with this name instead")
    env.add_argument(
        "--sdk-config",
        metavar="PATH",
        help="write a SageMaker SDK defaults file for environments without sagelab",
    )
    creds = sub.add_parser(
        "credentials-csv",
        help="give an IAM user an access key (and, with --password, a console password) "
        "and write the classic credentials .csv that `aws configure import --csv` reads",
    )
    _common(creds)
    creds.add_argument("user", help="an existing IAM user")
    creds.add_argument("--password", action="store_true", help="also create a console password")
    creds.add_argument("--output", help="file to write (mode 0600; default: standard output)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    own = ("command", "profile", "sdk_config", "user", "password", "output")
    flags = {k: v for k, v in vars(args).items() if k not in own}
    return Settings.load(**flags)


def serve(settings: Settings) -> None:
    import uvicorn

    from sagelab.app import build_app, build_server

    server = build_server(settings)
    if server.root.generated:
        print(
            "sagelab: new data dir; root credentials (shown once, kept in "
            f"{settings.secrets_dir / 'root.json'}):"
        )
        print(f"  AWS_ACCESS_KEY_ID={server.root.access_key_id}")
        print(f"  AWS_SECRET_ACCESS_KEY={server.root.secret_access_key}")
    if server.root.generated_password:
        print(
            f"sagelab: console sign-in as root at {settings.endpoint_url}/ with password "
            f"{server.root.generated_password} (shown once; set SAGELAB_ROOT_PASSWORD to choose)"
        )
    print(
        f"sagelab {__version__} serving account {server.root.account_id} "
        f"at {settings.endpoint_url}",
        flush=True,
    )
    _write_server_file(settings)
    uvicorn.run(
        build_app(settings, server),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        lifespan="on",
    )


def _write_server_file(settings: Settings) -> None:
    info = {"endpoint_url": settings.endpoint_url, "pid": os.getpid(), "region": settings.region}
    (settings.data_dir / "server.json").write_text(json.dumps(info))


def client_env(settings: Settings) -> dict[str, str]:
    """The variables that point boto3, the AWS CLI and the SDK at this data dir's server."""
    if not (settings.secrets_dir / "root.json").exists():
        raise SystemExit(f"sagelab: no data dir at {settings.data_dir}: run 'sagelab serve' first")
    root = load_root_secrets(settings)
    endpoint = settings.endpoint_url
    server_file = settings.data_dir / "server.json"
    if server_file.exists() and not os.environ.get("SAGELAB_PORT"):
        endpoint = json.loads(server_file.read_text())["endpoint_url"]
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": root.access_key_id,
        "AWS_SECRET_ACCESS_KEY": root.secret_access_key,
        "AWS_DEFAULT_REGION": settings.region,
    }


def write_profile(name: str, env: dict[str, str]) -> list[Path]:
    aws = Path.home() / ".aws"
    creds = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", aws / "credentials"))
    config = Path(os.environ.get("AWS_CONFIG_FILE", aws / "config"))
    section = name if name == "default" else f"profile {name}"
    _update_ini(
        creds,
        name,
        {
            "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
        },
    )
    _update_ini(
        config,
        section,
        {"region": env["AWS_DEFAULT_REGION"], "endpoint_url": env["AWS_ENDPOINT_URL"]},
    )
    return [creds, config]


def _update_ini(path: Path, section: str, values: dict[str, str]) -> None:
    ini = configparser.ConfigParser()
    ini.read(path)
    if not ini.has_section(section):
        ini.add_section(section)
    for key, value in values.items():
        ini.set(section, key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        ini.write(f)
    path.chmod(0o600)


def env_command(args: argparse.Namespace, settings: Settings) -> None:
    env = client_env(settings)
    if args.profile:
        for path in write_profile(args.profile, env):
            print(f"wrote {path}")
        return
    if args.sdk_config:
        from sagelab.sdk_local import write_sdk_config

        write_sdk_config(Path(args.sdk_config), settings, env)
        print(f"wrote {args.sdk_config}")
        return
    for key, value in env.items():
        print(f"export {key}={value}")


def credentials_csv_command(args: argparse.Namespace, settings: Settings) -> None:
    """Made through the API as the root, like the console's "Add user" wizard does."""
    import boto3

    from sagelab.services.iam.credentials_file import (
        CredentialRow,
        credentials_csv,
        generate_password,
    )

    env = client_env(settings)
    iam = boto3.client(
        "iam",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name=env["AWS_DEFAULT_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    key = iam.create_access_key(UserName=args.user)["AccessKey"]
    password = generate_password() if args.password else ""
    if password:
        iam.create_login_profile(UserName=args.user, Password=password)
    link = f"{env['AWS_ENDPOINT_URL']}/_sagelab/console"
    row = CredentialRow(args.user, password, key["AccessKeyId"], key["SecretAccessKey"], link)
    text = credentials_csv([row])
    if not args.output:
        sys.stdout.write(text)
        return
    fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    print(f"wrote {args.output}")


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    settings = _settings(args)
    if args.command == "serve":
        serve(settings)
    elif args.command == "env":
        env_command(args, settings)
    elif args.command == "credentials-csv":
        credentials_csv_command(args, settings)
    else:  # pragma: no cover - argparse refuses unknown commands
        sys.exit(2)


if __name__ == "__main__":
    main()
