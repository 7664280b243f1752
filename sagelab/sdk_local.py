"""Keep the SageMaker Python SDK talking to sagelab alone.

The SDK (v2 `sagemaker.utils`, v3 `sagemaker.core`) builds `https://sts.<region>.amazonaws.com`
itself and passes it as an explicit `endpoint_url` for `Session().default_bucket()`,
`account_id()` and `get_execution_role()`, so `AWS_ENDPOINT_URL` never applies there; and its
decorated calls (fit, deploy, ...) send telemetry to an `amazonaws.com` S3 URL unless the SDK
defaults config says `TelemetryOptOut: true`.

**With sagelab installed** in the environment, `sagelab_sdk_local.pth` (site-packages, the same
mechanism as setuptools' `distutils-precedence.pth`) runs one line at interpreter start. When
`AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_STS`) is set it calls `install()`, which puts a finder on
`sys.meta_path`. The finder does nothing until one of the few SDK modules in `_SDK_MODULES` is
imported; right after such a module runs, two of its functions are wrapped:

- `sts_regional_endpoint(region)` returns the STS endpoint botocore itself takes from the
  environment (`AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`), read at call time, and the
  SDK's own answer when neither is set or `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`;
- `resolve_value_from_config(...)` defaults `TelemetryOptOut` to true. A config file that says
  `TelemetryOptOut: false` still wins: that is the user opting in.

Inside a sagelab notebook instance, `SAGELAB_NOTEBOOK_METADATA` names the instance's copy of
`/opt/ml/metadata/resource-metadata.json` (a fixed path sagelab cannot write without root):
`NOTEBOOK_METADATA_FILE` in the session modules is pointed at it, so `get_execution_role()`
finds the instance as it does on SageMaker.

Nothing else changes; without `AWS_ENDPOINT_URL` the line costs one `os.environ` look-up, and an
SDK of another shape (modules or functions missing) is left alone. `SAGELAB_SDK_LOCAL=0` turns
the hook off.

**Without sagelab installed** (a user's own Python), `sagelab env --sdk-config PATH` writes
the SDK defaults file (`write_sdk_config`): the default bucket `sagemaker-<region>-<account>` and
`TelemetryOptOut: true`. Point the SDK at it with `SAGEMAKER_USER_CONFIG_OVERRIDE=PATH`, or
save it as `~/.config/sagemaker/config.yaml`. The SDK then needs STS for neither
`default_bucket()` nor telemetry; `Session().account_id()`, and `get_execution_role()` outside
a notebook instance, still call the hard-coded AWS STS host, which no config file can change.
"""

from __future__ import annotations

# Imported at every interpreter start that has AWS_ENDPOINT_URL: only os and sys up here,
# the rest is imported where first needed (annotations are never evaluated).
import os
import sys

TYPE_CHECKING = False  # typing itself costs more than the rest of this module
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec
    from pathlib import Path
    from types import ModuleType
    from typing import Any

    from sagelab.config import Settings

TELEMETRY_OPT_OUT_PATH = ("SageMaker", "PythonSDK", "Modules", "TelemetryOptOut")
_OFF = ("0", "false", "no", "off")
_MARK = "__sagelab_local__"

# Where the wrapped functions are defined, and the modules that bind them by name (in case
# they are imported while the defining module is still half-initialised).
_SDK_MODULES = frozenset({
    "sagemaker.utils",  # v2
    "sagemaker.session",
    "sagemaker.telemetry.telemetry_logging",
    "sagemaker.serve.builder.serve_settings",  # v2 and v3
    "sagemaker.core.common_utils",  # v3
    "sagemaker.core.helper.session_helper",
    "sagemaker.core.telemetry.telemetry_logging",
})


def configured_sts_endpoint() -> str | None:
    """The STS endpoint botocore would take from the environment, or None."""
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    return os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL") or None


def _local_sts(original: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(original)
    def sts_regional_endpoint(*args: Any, **kwargs: Any) -> Any:
        return configured_sts_endpoint() or original(*args, **kwargs)

    return sts_regional_endpoint


def _telemetry_off_by_default(original: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    opt_out_path = ".".join(TELEMETRY_OPT_OUT_PATH)

    @functools.wraps(original)
    def resolve_value_from_config(
        direct_input: Any = None, config_path: Any = None, default_value: Any = None,
        *args: Any, **kwargs: Any,
    ) -> Any:
        if config_path == opt_out_path and not default_value:
            default_value = True
        return original(direct_input, config_path, default_value, *args, **kwargs)

    return resolve_value_from_config


_WRAPPERS: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "sts_regional_endpoint": _local_sts,
    "resolve_value_from_config": _telemetry_off_by_default,
}


_METADATA_MODULES = frozenset({"sagemaker.session", "sagemaker.core.helper.session_helper"})


def patch_module(module: ModuleType) -> None:
    """Wrap whichever of `_WRAPPERS` the module holds; wrapping twice is a no-op."""
    metadata = os.environ.get("SAGELAB_NOTEBOOK_METADATA")
    if metadata and module.__name__ in _METADATA_MODULES:
        module.NOTEBOOK_METADATA_FILE = metadata  # type: ignore[attr-defined]
    for name, wrap in _WRAPPERS.items():
        current = getattr(module, name, None)
        if callable(current) and not getattr(current, _MARK, False):
            wrapped = wrap(current)
            setattr(wrapped, _MARK, True)
            setattr(module, name, wrapped)


class _PatchingLoader:
    """Runs the real loader, then patches the fresh module; anything else is the real one's."""

    def __init__(self, loader: Loader) -> None:
        self._loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        patch_module(module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class SdkFinder:
    """A `sys.meta_path` finder that only answers for `_SDK_MODULES`, by asking the others."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in _SDK_MODULES:
            return None
        spec = self._find_elsewhere(fullname, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)  # type: ignore[assignment]
        return spec

    def _find_elsewhere(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None
    ) -> ModuleSpec | None:
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec: ModuleSpec | None = find(fullname, path, target)
            if spec is not None:
                return spec
        return None


def install() -> None:
    """Keep the SDK local in this interpreter, unless SAGELAB_SDK_LOCAL=0. Idempotent."""
    if os.environ.get("SAGELAB_SDK_LOCAL", "1").lower() in _OFF:
        return
    if not any(isinstance(finder, SdkFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, SdkFinder())
    for name in _SDK_MODULES & sys.modules.keys():
        patch_module(sys.modules[name])


def sdk_config(region: str, account_id: str) -> dict[str, Any]:
    """The SDK defaults that keep `default_bucket()` and telemetry off AWS."""
    modules: dict[str, Any] = {
        TELEMETRY_OPT_OUT_PATH[-1]: True,
        "Session": {"DefaultS3Bucket": f"sagemaker-{region}-{account_id}"},
    }
    return {"SchemaVersion": "1.0", "SageMaker": {"PythonSDK": {"Modules": modules}}}


def to_yaml(mapping: Mapping[str, Any], depth: int = 0) -> list[str]:
    """Block-style YAML lines; scalars are JSON, which YAML reads as the same values."""
    import json

    lines: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines += [f"{'  ' * depth}{key}:", *to_yaml(value, depth + 1)]
        else:
            lines.append(f"{'  ' * depth}{key}: {json.dumps(value)}")
    return lines


def write_sdk_config(path: Path, settings: Settings, env: dict[str, str]) -> None:
    """Write the SDK defaults file for a Python without sagelab (see the module docstring)."""
    from sagelab.accounts import load_root_secrets  # the server's stack: not at interpreter start

    region = env.get("AWS_DEFAULT_REGION") or settings.region
    config = sdk_config(region, load_root_secrets(settings).account_id)
    header = [
        "# SageMaker Python SDK defaults for sagelab at " + env.get("AWS_ENDPOINT_URL", "?"),
        "# Use: export SAGEMAKER_USER_CONFIG_OVERRIDE=" + str(path.resolve()),
        "#  or save as ~/.config/sagemaker/config.yaml",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([*header, *to_yaml(config)]) + "\n")
