"""environment.yml must give conda users the same pins as pyproject.toml; `make help` lists
every Makefile target."""

import re
import subprocess
from pathlib import Path

import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])


def conda_pip_requirements() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lists = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_lists) == 1, "environment.yml should have exactly one pip: section"
    return {req for req in pip_lists[0] if not req.startswith("-e")}


def test_environment_yml_pins_match_pyproject():
    assert conda_pip_requirements() == pyproject_requirements()


def test_torch_pinned_exactly_to_the_cpu_build_version():
    # A looser pin makes pip download several GB of CUDA packages.
    assert "torch==2.13.0" in pyproject_requirements()


def test_environment_yml_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_list


def makefile_targets() -> set[str]:
    targets = set()
    for line in (ROOT / "Makefile").read_text().splitlines():
        match = re.match(r"^([A-Za-z$(][\w.$()/-]*)\s*:(?!=)", line)
        if match and not line.startswith(".PHONY"):
            targets.add(match.group(1))
    return targets


def test_make_help_lists_every_target():
    targets = makefile_targets()
    assert {"help", "lab", "test", "wheel", "$(STAMP)"} <= targets
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout
    listed = {line.split()[1] for line in shown.splitlines() if line.startswith("make ")}
    assert listed == (targets - {"$(STAMP)"}) | {".venv/.pruneedu-installed"}
