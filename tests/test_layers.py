"""The rooms keep one direction of dependencies: core data <- quizzes <- progress <- pages <- urls.

`lint-imports` (import-linter, contracts in `.importlinter`) reads the imports without running
the code. These tests run it on the project, then on a copy of the code with one forbidden
import added, to prove the contracts would catch it.
"""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # A child process: import-linter finds the packages on sys.path, and this process has
    # already imported the real ones.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(cwd / ".importlinter")],
        cwd=cwd, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def code_copy(tmp_path):
    """The project's two packages and its contracts, copied where a test may break them."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("elearning", "quizzes"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_code_keeps_its_layers():
    """A module importing a higher layer (or a sibling room) fails the build."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "forbidden_import", "contract"), [
    # the core data reaching up to the completion rule
    ("elearning/models.py", "from elearning.progress import completion", "Rooms"),
    # quizzes reaching up to a trainer page
    ("quizzes/attempts.py", "from elearning.training import reports", "Rooms"),
    # progress reaching up to a page
    ("elearning/progress/completion.py", "from elearning.learn import views", "Rooms"),
    # a page room importing a sibling room's views
    ("elearning/preview/views.py", "from elearning.training import views as trainer_views", "Rooms"),
    # a future room, once it exists, is held to the same rule
    ("elearning/decision/__init__.py", "from elearning.learn import views", "Rooms"),
])
def test_a_forbidden_import_breaks_the_contract(code_copy, module, forbidden_import, contract):
    """Proof that the check can fail: one forbidden import in a copy of the code is reported."""
    path = code_copy / module
    path.parent.mkdir(exist_ok=True)
    source = path.read_text() if path.exists() else ""
    path.write_text(source + f"\n{forbidden_import}  # noqa\n")
    result = lint_imports(code_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout
    importer = module.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    imported = forbidden_import.split()[1]
    assert f"{importer} -> {imported}" in result.stdout  # the culprit is named


def test_a_module_outside_any_room_breaks_the_contract(code_copy):
    """A new module dropped in elearning/ without a place in the layers is reported."""
    (code_copy / "elearning" / "stray.py").write_text('"""A module nobody placed."""\n')
    result = lint_imports(code_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "elearning.stray" in result.stdout
