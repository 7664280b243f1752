"""The unchanged SageMaker SDK, given only AWS_ENDPOINT_URL, keys and region, talks to sagelab
alone: with sagelab installed (the .pth hook), or with `sagelab env --sdk-config` elsewhere.

Each story runs a fresh interpreter with a socket guard installed before the SDK is imported;
the guard refuses and records every connection or name look-up that is not loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest
import yaml

from sagelab import sdk_local
from sagelab.testing import SagelabServer

GUARD = """
import ipaddress, json, socket
OUTSIDE = []

def _local(host):
    if host in (None, "", "localhost", b"localhost"):
        return True
    try:
        return ipaddress.ip_address(host.decode() if isinstance(host, bytes) else host).is_loopback
    except ValueError:
        return False

def _guarded(original, host_of):
    def call(*args, **kwargs):
        host = host_of(*args)
        if not _local(host):
            OUTSIDE.append(str(host))
            raise OSError(f"socket guard: no connection to {host}")
        return original(*args, **kwargs)
    return call

def _peer(sock, address, *rest):
    return address[0] if isinstance(address, tuple) else None

socket.getaddrinfo = _guarded(socket.getaddrinfo, lambda host, *rest: host)
for name in ("connect", "connect_ex"):
    setattr(socket.socket, name, _guarded(getattr(socket.socket, name), _peer))
"""

# A telemetry-decorated call: it fails on the server, and the SDK reports failures too.
STORY = """
import sagemaker
from sagemaker.feature_store.feature_group import FeatureGroup

result = {}
session = sagemaker.Session()
for name, call in [("bucket", session.default_bucket), ("account", session.account_id),
                   ("telemetry", FeatureGroup(name="nothing", sagemaker_session=session).describe)]:
    try:
        result[name] = call()
    except Exception as e:
        result[name] = f"{type(e).__name__}: {e}"
print(json.dumps({"result": result, "outside": OUTSIDE}))
"""


def run_sdk(server: SagelabServer, home: Path, **extra: str) -> dict[str, Any]:
    """Run STORY in a fresh interpreter with exactly the server's client environment."""
    env = {k: v for k, v in server.env().items() if not k.startswith("SAGEMAKER_")}
    env.update(HOME=str(home), AWS_MAX_ATTEMPTS="1", SAGEMAKER_SUPPRESS_V2_WARNING="1", **extra)
    out = subprocess.run([sys.executable, "-c", GUARD + textwrap.dedent(STORY)], env=env,
                         capture_output=True, text=True, timeout=120, cwd=home)
    assert out.returncode == 0, out.stderr
    report: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return report


def write_sdk_config(server: SagelabServer, path: Path) -> None:
    env = {k: v for k, v in server.env().items() if not k.startswith("AWS_")}
    subprocess.run([sys.executable, "-m", "sagelab.cli", "env", "--data-dir", str(server.data_dir),
                    "--sdk-config", str(path)], env=env, check=True, timeout=60)


def expected_bucket(server: SagelabServer) -> str:
    return f"sagemaker-{server.region}-{server.account_id}"


def test_the_hook_is_installed_with_sagelab() -> None:
    pth = Path(sysconfig.get_paths()["purelib"]) / "sagelab_sdk_local.pth"
    assert pth.exists(), "install sagelab into the venv (pip install -e .) to get its .pth"
    assert pth.read_text() == (Path(__file__).parents[2] / "sagelab_sdk_local.pth").read_text()


def test_the_sdk_stays_on_sagelab(server: SagelabServer, tmp_path: Path) -> None:
    report = run_sdk(server, tmp_path)
    assert report["outside"] == []
    assert report["result"]["bucket"] == expected_bucket(server)
    assert report["result"]["account"] == server.account_id
    server.client("s3").head_bucket(Bucket=expected_bucket(server))


def test_without_help_the_guard_sees_the_sdk_reach_aws(
    server: SagelabServer, tmp_path: Path
) -> None:
    report = run_sdk(server, tmp_path, SAGELAB_SDK_LOCAL="0")
    assert f"sts.{server.region}.amazonaws.com" in report["outside"]
    assert any(host.startswith("sm-pysdk-t-") for host in report["outside"])


def test_the_sdk_config_file_keeps_the_bucket_and_telemetry_local(
    server: SagelabServer, tmp_path: Path
) -> None:
    config = tmp_path / "sagemaker.yaml"
    write_sdk_config(server, config)
    report = run_sdk(server, tmp_path, SAGELAB_SDK_LOCAL="0",
                     SAGEMAKER_USER_CONFIG_OVERRIDE=str(config))
    assert report["result"]["bucket"] == expected_bucket(server)
    # account_id() has no config key: it is the one call left on AWS's STS host.
    assert report["outside"] == [f"sts.{server.region}.amazonaws.com"]
    server.client("s3").head_bucket(Bucket=expected_bucket(server))


def test_sdk_config_file_content(server: SagelabServer, tmp_path: Path) -> None:
    config = tmp_path / "deep" / "config.yaml"
    write_sdk_config(server, config)
    assert yaml.safe_load(config.read_text()) == {
        "SchemaVersion": "1.0",
        "SageMaker": {"PythonSDK": {"Modules": {
            "TelemetryOptOut": True,
            "Session": {"DefaultS3Bucket": expected_bucket(server)},
        }}},
    }


def test_sts_endpoint_follows_botocore_precedence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_STS", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    assert sdk_local.configured_sts_endpoint() == "http://127.0.0.1:1"
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2")
    assert sdk_local.configured_sts_endpoint() == "http://127.0.0.1:2"
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    assert sdk_local.configured_sts_endpoint() is None


def _fake_sdk_module() -> types.ModuleType:
    module = types.ModuleType("fake_sdk")

    def sts_regional_endpoint(region: str) -> str:
        return f"https://sts.{region}.amazonaws.com"

    def resolve_value_from_config(direct_input: Any = None, config_path: Any = None,
                                  default_value: Any = None, sagemaker_config: Any = None) -> Any:
        found = (sagemaker_config or {}).get(config_path)
        return direct_input if direct_input is not None else found if found is not None \
            else default_value

    module.sts_regional_endpoint = sts_regional_endpoint  # type: ignore[attr-defined]
    module.resolve_value_from_config = resolve_value_from_config  # type: ignore[attr-defined]
    return module


def test_patched_sdk_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_STS", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    module = _fake_sdk_module()
    sdk_local.patch_module(module)
    sdk_local.patch_module(module)  # a module seen twice is wrapped once
    assert module.sts_regional_endpoint("eu-west-1") == "https://sts.eu-west-1.amazonaws.com"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    assert module.sts_regional_endpoint("eu-west-1") == "http://127.0.0.1:9"
    opt_out = ".".join(sdk_local.TELEMETRY_OPT_OUT_PATH)
    resolve = module.resolve_value_from_config
    assert resolve(config_path=opt_out, default_value=False) is True
    assert resolve(None, opt_out, False, sagemaker_config={opt_out: False}) is False
    assert resolve(config_path="SageMaker.Other", default_value=False) is False
