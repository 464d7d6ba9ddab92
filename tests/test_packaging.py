"""A wheel built from the repo installs as the one package `evidencekit` and works."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    wheels = list(out.glob("evidencekit-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


@pytest.mark.slow
def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names}
    name, version = wheel.name.split("-")[:2]
    assert top == {"evidencekit", f"{name}-{version}.dist-info"}
    # No top-level `core` or `plugins`, and no __init__.py in the namespace parent.
    assert "evidencekit/__init__.py" not in names
    for sub in ("core", "plugins", "instruments", "schemas"):
        assert f"evidencekit/{sub}/__init__.py" in names
    assert any(n.startswith("evidencekit/instruments/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("evidencekit/schemas/") and n.endswith(".schema.json") for n in names)
    entry_points = (
        zipfile.ZipFile(wheel)
        .read(next(n for n in names if n.endswith("entry_points.txt")))
        .decode()
    )
    assert "evidencekit = evidencekit.core.cli:main" in entry_points


@pytest.mark.slow
def test_wheel_installs_and_validates_instruments(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    target = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Dependencies come from this environment's site-packages (a plain path entry: the
    # editable install's .pth hooks there are not run, so evidencekit comes from the wheel).
    (target / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-compile",
            "-q",
            "--ignore-installed",  # never uninstall the developer's own evidencekit
            "--prefix",
            str(venv),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import evidencekit.core as c, importlib.util as u; "
            "print(c.__file__); print(u.find_spec('core'), u.find_spec('plugins'))",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert where[0].startswith(str(target)), where
    assert where[1] == "None None"
    result = subprocess.run(
        [str(python), "-m", "evidencekit.core", "instruments", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
    listing = subprocess.run(
        [str(python), "-m", "evidencekit.core", "instruments", "list", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert listing.returncode == 0, listing.stderr
    listed = {
        (i["id"], i["version"], i["kind"], i["origin"])
        for i in json.loads(listing.stdout)["instruments"]
    }
    # Every instrument file of the repository is in the wheel, found as package data.
    shipped = set()
    for path in (REPO / "instruments").rglob("*.yaml"):
        data = yaml.safe_load(path.read_text("utf-8"))
        shipped.add((data["id"], data["version"], data["kind"], "package"))
    assert listed == shipped
    assert len(shipped) >= 10
    count = int(result.stdout.split()[0])
    assert count == len(shipped)
