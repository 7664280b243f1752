"""docs/COVERAGE.md matches the models and the api classes, and the generator is sound."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from scripts import gen_coverage

ROOT = Path(__file__).resolve().parent.parent


class FakeIam:
    service_name = "iam"

    def startup(self) -> None: ...

    def create_user(self, ctx: object) -> None: ...

    def _helper(self) -> None: ...


class FakeIamMore:
    service_name = "iam"

    def get_user(self, ctx: object) -> None: ...


def test_committed_document_is_current() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "scripts.gen_coverage", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_render_marks_built_operations_of_every_class() -> None:
    text = gen_coverage.render([FakeIam, FakeIamMore])
    assert "| iam | 2 |" in text
    assert "| CreateUser | built |" in text
    assert "| GetUser | built |" in text
    assert "| DeleteUser | — |" in text
    assert "| sts | 0 |" in text
    assert "Startup" not in text and "helper" not in text


def test_render_is_deterministic() -> None:
    assert gen_coverage.render([FakeIamMore, FakeIam]) == gen_coverage.render(
        [FakeIam, FakeIamMore]
    )


def test_check_fails_on_a_stale_file(tmp_path: Path) -> None:
    out = tmp_path / "COVERAGE.md"
    assert gen_coverage.main(["--output", str(out)]) == 0
    assert gen_coverage.main(["--check", "--output", str(out)]) == 0
    out.write_text(out.read_text() + "edited\n")
    assert gen_coverage.main(["--check", "--output", str(out)]) == 1
