"""The `conda_python3` kernel: a virtual environment under `<data_dir>/envs/conda_python3`,
built once at first need (or ahead with `python -m sagelab.notebooks.kernel_env DATA_DIR`).

It layers on the server's own packages (a `.pth` file adds the server's site-packages after
the venv's own) and `pip install`s only the requirements those do not satisfy: with a server
that already carries them the build takes a second and needs no network; with one whose
`sagemaker` is v3, v2 lands in the venv and shadows it. The server thus never pins the SDK's
major version on its users, and notebooks get the v2 line they are written for.
"""

from __future__ import annotations

import hashlib
import json
import os
import site
import subprocess
import sys
import venv
from pathlib import Path

NAME = "conda_python3"
REQUIREMENTS = (
    "sagemaker>=2,<3",
    "boto3",
    "pandas",
    "numpy",
    "scikit-learn",
    "matplotlib",
    "ipykernel",
)
_READY = ".sagelab-ready"

# Run by the venv's python: the requirements its packages do not satisfy, one per line.
_MISSING = """
import sys
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement
for text in sys.argv[1:]:
    req = Requirement(text)
    try:
        if req.specifier.contains(version(req.name), prereleases=True):
            continue
    except PackageNotFoundError:
        pass
    print(text)
"""


def env_dir(data_dir: Path) -> Path:
    return data_dir / "envs" / NAME


def python(path: Path) -> Path:
    return path / "bin" / "python"


def jupyter_path(path: Path) -> Path:
    """Where JupyterLab finds the kernel spec (JUPYTER_PATH)."""
    return path / "share" / "jupyter"


def _fingerprint() -> str:
    """Changes when the server's interpreter, packages or our requirements do."""
    parts = [sys.executable, *site.getsitepackages(), *REQUIREMENTS]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def is_ready(path: Path) -> bool:
    try:
        return (path / _READY).read_text() == _fingerprint()
    except OSError:
        return False


def _layer_on_server(path: Path) -> None:
    lib = next((path / "lib").glob("python3*")) / "site-packages"
    lines = [f"import site; site.addsitedir({p!r})" for p in site.getsitepackages()]
    (lib / "zz_sagelab_server.pth").write_text("\n".join(lines) + "\n")


def _install_missing(path: Path) -> None:
    check = [str(python(path)), "-c", _MISSING, *REQUIREMENTS]
    missing = subprocess.run(check, check=True, capture_output=True, text=True).stdout.split()
    if missing:
        print("installing", " ".join(missing), flush=True)
        pip = [sys.executable, "-m", "pip", "--python", str(python(path)), "install", *missing]
        subprocess.run(pip, check=True)


def _write_kernel_spec(path: Path) -> None:
    spec_dir = jupyter_path(path) / "kernels" / NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [str(python(path)), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": NAME,
        "language": "python",
        "metadata": {"debugger": True},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))


def build(path: Path) -> None:
    """Build in place; the ready mark, written last, is what tells a finished env."""
    venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(path)
    _layer_on_server(path)
    _install_missing(path)
    _write_kernel_spec(path)
    ready = path / _READY
    ready.write_text(_fingerprint())
    os.chmod(ready, 0o444)


if __name__ == "__main__":
    build(env_dir(Path(sys.argv[1])))
