"""gapcheck works from a built wheel installed outside the checkout: profiles and the sample ship in it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli import gapcheck

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, unpacked into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    # -v: the build backend's own output, where setuptools prints its warnings.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(work / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    # `make demo` once printed ~1,575 lines of these before its 6 lines of result.
    warned = [line for line in (built.stdout + built.stderr).splitlines() if "BuildBackendWarning" in line]
    assert not warned, "\n".join(warned)
    assert "deprecated" not in built.stdout + built.stderr
    wheel = next((work / "dist").glob("gapcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "gapcheck/config/profiles/wuhan-commerce.yaml" in names
    assert "gapcheck/report/templates/report.html.j2" in names
    # The packages a reader sees in the checkout, under the same names; config/ is data inside gapcheck.
    tops = {n.split("/")[0] for n in names if not n.startswith("gapcheck-")}
    assert tops == {"core", "checks", "spiders", "gapcheck"}, tops
    target = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=600,
    )
    return target


def run_installed(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH comes before the editable install's finder, so the wheel's copy is the one imported.
    return gapcheck(*args, env={"PYTHONPATH": str(target)}, cwd=cwd)


def test_wheel_is_the_code_that_runs(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    where = subprocess.run(
        [sys.executable, "-c", "import checks, spiders.portal as p; print(checks.__file__); print(p.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout
    assert all(line.startswith(str(installed)) for line in where.split()), where


def test_wheel_lists_rules(installed, tmp_path):
    result = run_installed(installed, "rules", cwd=tmp_path)
    assert result.returncode == 0 and "GK101" in result.stdout


def test_wheel_runs_the_demo(installed, tmp_path):
    result = run_installed(installed, "demo", "--out", str(tmp_path / "demo"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "demo" / "report.html").exists()
    assert "不合格" in result.stdout or "合格" in result.stdout
