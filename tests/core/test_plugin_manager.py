"""The plugin manager: built-ins, entry points, local modules, autoload switch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError, RegistryError
from evidencekit.core.plugin_manager import (
    DISABLE_AUTOLOAD_ENV,
    builtin_plugin_modules,
    get_plugin_manager,
)
from evidencekit.core.registry import Registry

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "plugin-example"


def make_distribution(root: Path) -> Path:
    """Lay out the documented example plugin as an installed distribution on a path.

    A ``*.dist-info`` folder with ``entry_points.txt`` is exactly what pip writes,
    so ``importlib.metadata`` (and so pluggy) finds the plugin as if installed.
    """
    shutil.copytree(EXAMPLE / "evidencekit_yes_count", root / "evidencekit_yes_count")
    info = root / "evidencekit_yes_count-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: evidencekit-yes-count\nVersion: 0.1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[evidencekit]\nyes_count = evidencekit_yes_count\n", "utf-8"
    )
    return root


@pytest.fixture
def example_dist(tmp_path, monkeypatch):
    root = make_distribution(tmp_path / "site")
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)
    yield root
    sys.modules.pop("evidencekit_yes_count", None)


def test_builtins_are_every_public_plugin_module():
    names = builtin_plugin_modules()
    assert names == sorted(names)
    assert all(n.startswith("evidencekit.plugins.") for n in names)
    assert not any(n.rsplit(".", 1)[-1].startswith("_") for n in names)


def test_builtins_registered_by_name():
    pm = get_plugin_manager(autoload=False)
    registered = {pm.get_name(p) for p in pm.get_plugins()}
    assert set(builtin_plugin_modules()) <= registered


def test_entry_point_plugin_is_discovered_and_selectable(example_dist):
    pm = get_plugin_manager()
    registry = Registry(pm)
    info = registry.info("appraisal-scorer", "yes-count")
    assert info.origin.startswith("evidencekit-yes-count 0.1.0")
    assert info.provider.description.startswith("Number of scored items")


def test_autoload_can_be_disabled(example_dist, monkeypatch):
    monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
    registry = Registry(get_plugin_manager())
    assert "yes-count" not in registry.names("appraisal-scorer")


def test_unknown_name_lists_known_ones(example_dist):
    registry = Registry(get_plugin_manager())
    with pytest.raises(RegistryError) as err:
        registry.get("appraisal-scorer", "no-such-scorer")
    assert "unknown appraisal-scorer 'no-such-scorer'" in str(err.value)
    assert "yes-count" in str(err.value)


def test_unknown_kind_lists_kinds():
    registry = Registry(get_plugin_manager(autoload=False))
    with pytest.raises(RegistryError, match="known: importer, deduplicator"):
        registry.providers("importers")


class _Scorer:
    options_schema = None

    def __init__(self, name: str, description: str = "") -> None:
        self.name = name
        self.description = description


class _PluginA:
    @hookimpl
    def evidencekit_appraisal_scorers(self):
        return [_Scorer("twin", "from A")]


class _PluginB:
    @hookimpl
    def evidencekit_appraisal_scorers(self):
        return [_Scorer("twin", "from B")]


def test_duplicate_name_fails_naming_both_origins():
    pm = get_plugin_manager(autoload=False)
    pm.register(_PluginA(), name="plugin-a")
    pm.register(_PluginB(), name="plugin-b")
    with pytest.raises(RegistryError) as err:
        Registry(pm)
    message = str(err.value)
    assert "two appraisal-scorer providers are named 'twin'" in message
    assert "plugin-a" in message and "plugin-b" in message


def test_provider_without_name_is_rejected():
    class Nameless:
        @hookimpl
        def evidencekit_reporters(self):
            return [object()]

    pm = get_plugin_manager(autoload=False)
    pm.register(Nameless(), name="nameless")
    with pytest.raises(RegistryError, match="nameless returned a reporter provider without"):
        Registry(pm)


def test_misspelled_hook_fails_at_load(tmp_path):
    (tmp_path / "typo_plugin.py").write_text(
        "from evidencekit.core import hookimpl\n"
        "@hookimpl\n"
        "def evidencekit_importer():\n"
        "    return []\n",
        "utf-8",
    )
    with pytest.raises(PipelineError, match="unknown hook"):
        get_plugin_manager(["typo_plugin"], local_path=tmp_path, autoload=False)
    sys.modules.pop("typo_plugin", None)


def test_local_plugin_module_from_review_folder(tmp_path):
    (tmp_path / "my_scorer.py").write_text(
        "from evidencekit.core import hookimpl\n"
        "class S:\n"
        "    name = 'local-scorer'\n"
        "    description = 'a local one'\n"
        "    options_schema = {'type': 'object', 'properties': {'k': {'type': 'integer'}},"
        " 'additionalProperties': False}\n"
        "@hookimpl\n"
        "def evidencekit_appraisal_scorers():\n"
        "    return [S()]\n",
        "utf-8",
    )
    pm = get_plugin_manager(["my_scorer"], local_path=tmp_path, autoload=False)
    registry = Registry(pm)
    assert registry.info("appraisal-scorer", "local-scorer").origin == "local:my_scorer"
    assert registry.validate_options("appraisal-scorer", "local-scorer", {"k": 3}) == {"k": 3}
    with pytest.raises(RegistryError, match=r"invalid options .*\$\.k: 'x' is not of type"):
        registry.validate_options("appraisal-scorer", "local-scorer", {"k": "x"})
    sys.modules.pop("my_scorer", None)


def test_missing_local_plugin_is_a_clear_error(tmp_path):
    with pytest.raises(PipelineError, match="local plugin module 'nope'"):
        get_plugin_manager(["nope"], local_path=tmp_path, autoload=False)


def _run_cli(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop(DISABLE_AUTOLOAD_ENV, None)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(pythonpath), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "evidencekit.core", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_lists_entry_point_plugin(tmp_path):
    root = make_distribution(tmp_path / "site")
    result = _run_cli("plugins", "--json", pythonpath=root)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    scorers = {p["name"]: p for p in data["providers"]["appraisal-scorer"]}
    assert scorers["yes-count"]["origin"].startswith("evidencekit-yes-count 0.1.0")
    # The plugin's command is added to the CLI, and its instruments folder is found.
    result = _run_cli("yes-count-info", pythonpath=root)
    assert result.returncode == 0, result.stderr
    assert "yes-count" in result.stdout


def test_entry_point_plugin_instruments_are_listed_and_scored_by_its_scorer(tmp_path):
    """What docs/plugins.md promises: `instruments list` shows the plugin's checklist, and a
    checklist whose scoring.method is `yes-count` is scored by the plugin's scorer."""
    root = make_distribution(tmp_path / "site")
    review = tmp_path / "review"
    review.mkdir()
    listing = _run_cli("instruments", "list", "--review", str(review), "--json", pythonpath=root)
    assert listing.returncode == 0, listing.stderr
    rows = {r["id"]: r for r in json.loads(listing.stdout)["instruments"]}
    example = rows["example-three-questions"]
    assert (example["version"], example["kind"]) == ("1.0", "checklist")
    assert example["origin"] == "plugin evidencekit-yes-count 0.1.0 (yes_count)"
    assert rows["casp-rct"]["origin"] == "package"

    answers = review / "answers.csv"
    answers.write_text(
        "study_id,checklist,item,answer,reviewer\n"
        "s1,example-three-questions,q1,yes,a\ns1,example-three-questions,q2,yes,a\n"
        "s1,example-three-questions,q3,no,a\n"
        "s2,example-three-questions,q1,no,a\ns2,example-three-questions,q2,yes,a\n"
        "s2,example-three-questions,q3,no,a\n",
        "utf-8",
    )
    scored = _run_cli(
        "appraise",
        "score",
        "--answers",
        str(answers),
        "--review",
        str(review),
        "--json",
        pythonpath=root,
    )
    assert scored.returncode == 0, scored.stderr
    studies = {s["study_id"]: s for s in json.loads(scored.stdout)["studies"]}
    # The checklist sets the scorer's option minimum: 2 (the scorer's default is 5).
    assert {k: (s["scorer"], s["details"], s["grade"]) for k, s in studies.items()} == {
        "s1": ("yes-count", {"score": 2, "out_of": 3}, "ok"),
        "s2": ("yes-count", {"score": 1, "out_of": 3}, "low"),
    }


def test_entry_point_scorer_owns_its_scoring_block(tmp_path):
    """The plugin's scorer declares the schema of the `scoring` block it reads and its own
    check; the core knows neither, and the errors are located like any other."""
    root = make_distribution(tmp_path / "site")
    source = (EXAMPLE / "evidencekit_yes_count/instruments/example-three-questions.yaml").read_text(
        "utf-8"
    )
    good = tmp_path / "good.yaml"
    good.write_text(source, "utf-8")
    assert _run_cli("instruments", "validate", str(good), pythonpath=root).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(source.replace('count: ["yes"]', 'count: ["yes", "si"]\n  cutoff: 2'), "utf-8")
    result = _run_cli("instruments", "validate", str(bad), pythonpath=root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:1] == [
        f"error: {bad}:20: $.scoring.cutoff: unknown field 'cutoff'; allowed here: method, "
        "count, options, notes"
    ]
    # Once the schema passes, the scorer's own check runs: an answer code it cannot count.
    bad.write_text(source.replace('count: ["yes"]', 'count: ["yes", "si"]'), "utf-8")
    result = _run_cli("instruments", "validate", str(bad), pythonpath=root)
    assert result.stderr.splitlines()[:1] == [
        f"error: {bad}:19: $.scoring.count[1]: 'si' is not an answer code of this checklist; "
        "codes: no, yes"
    ]
    # Without the plugin, nobody owns the block: its own fields are not checked here.
    env_off = subprocess.run(
        [sys.executable, "-m", "evidencekit.core", "instruments", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root), DISABLE_AUTOLOAD_ENV: "1"},
    )
    assert env_off.returncode == 0, env_off.stderr


def test_entry_point_plugin_step_runs_in_the_pipeline(tmp_path):
    """A plugin package adds a pipeline step: `evidencekit plugins` lists it, and
    `evidencekit run` plans and runs it after the built-in appraise step (scored by the
    plugin's own scorer), without any change to the core."""
    root = make_distribution(tmp_path / "site")
    review = tmp_path / "review"
    review.mkdir()
    (review / "answers.csv").write_text(
        "study_id,checklist,item,answer,reviewer\n"
        "s1,example-three-questions,q1,yes,a\ns1,example-three-questions,q2,yes,a\n"
        "s1,example-three-questions,q3,no,a\n"
        "s2,example-three-questions,q1,no,a\ns2,example-three-questions,q2,yes,a\n"
        "s2,example-three-questions,q3,no,a\n",
        "utf-8",
    )
    (review / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: Plugin step\n"
        "steps:\n"
        "  - step: appraise\n    options: {answers: answers.csv, plots: false}\n"
        "  - step: follow-up\n"
        "  - step: report\n",
        "utf-8",
    )
    listed = _run_cli("plugins", "--json", pythonpath=root)
    steps = {p["name"]: p for p in json.loads(listed.stdout)["providers"]["pipeline-step"]}
    assert steps["follow-up"]["origin"].startswith("evidencekit-yes-count 0.1.0")
    assert {"import", "dedupe", "appraise", "measure", "report"} <= set(steps)

    result = _run_cli("run", "--review", str(review), "--json", pythonpath=root)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(s["step"], s["summary"]) for s in data["steps"]][1] == (
        "follow-up",
        "1 studies to follow up",
    )
    outputs = review / "outputs"
    assert (outputs / "follow-up.csv").read_text("utf-8") == (
        "study_id,checklist,grade\ns2,example-three-questions,low\n"
    )
    assert "## Follow-up\n\n- s2: low\n" in (outputs / "report.md").read_text("utf-8")
    run_record = json.loads((outputs / "run.json").read_text("utf-8"))
    assert run_record["steps"][1]["files"] == ["follow-up.csv"]

    # The step's options are checked at plan time against its schema, located in review.yaml.
    text = (
        (review / "review.yaml")
        .read_text("utf-8")
        .replace("  - step: follow-up\n", "  - step: follow-up\n    options: {grade: low}\n")
    )
    (review / "review.yaml").write_text(text, "utf-8")
    bad = _run_cli("run", "--review", str(review), pythonpath=root)
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[-1].startswith(
        f"error: {review / 'review.yaml'}:8: $.steps[1] (follow-up): invalid options for "
        "pipeline-step 'follow-up': "
    )
    assert "grade" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    "source,message",
    [
        (
            "import does_not_exist_xyz\n",
            r"local plugin module 'bad_local' in .* failed while importing: ModuleNotFoundError: "
            r"No module named 'does_not_exist_xyz'",
        ),
        (
            "def broken(:\n",
            r"local plugin module 'bad_local' in .* failed while importing \(line 1\): SyntaxError",
        ),
        (
            "raise RuntimeError('no config')\n",
            r"local plugin module 'bad_local' in .* failed while importing: "
            r"RuntimeError: no config",
        ),
    ],
)
def test_local_plugin_that_fails_to_import_is_a_clear_error(tmp_path, source, message):
    (tmp_path / "bad_local.py").write_text(source, "utf-8")
    try:
        with pytest.raises(PipelineError, match=message):
            get_plugin_manager(["bad_local"], local_path=tmp_path, autoload=False)
    finally:
        sys.modules.pop("bad_local", None)


def make_broken_distribution(root: Path) -> Path:
    """An installed plugin whose module fails to import (a dependency it lacks)."""
    (root / "broken_plug").mkdir(parents=True)
    (root / "broken_plug" / "__init__.py").write_text("import does_not_exist_xyz\n", "utf-8")
    info = root / "broken_plug-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-plug\nVersion: 0.1\n", "utf-8"
    )
    (info / "entry_points.txt").write_text("[evidencekit]\nbroken = broken_plug\n", "utf-8")
    return root


def test_broken_installed_plugin_is_named_not_a_traceback(tmp_path):
    root = make_broken_distribution(tmp_path / "site")
    expected = (
        "the plugin 'broken' (broken_plug) of broken-plug 0.1 cannot be loaded: "
        "ModuleNotFoundError: No module named 'does_not_exist_xyz'. Fix or uninstall it, "
        f"or set {DISABLE_AUTOLOAD_ENV}=1 to run without installed plugins"
    )
    # --help still works, with a warning; a command that needs the plugins fails in one line.
    helped = _run_cli("--help", pythonpath=root)
    assert helped.returncode == 0
    assert "Traceback" not in helped.stderr
    assert helped.stderr.splitlines() == [f"warning: plugins not loaded: {expected}"]
    assert "instruments" in helped.stdout
    listed = _run_cli("plugins", pythonpath=root)
    assert listed.returncode == 1
    assert "Traceback" not in listed.stderr
    assert listed.stderr.splitlines()[-1] == f"error: {expected}"
    # The way out the message gives works.
    env_off = subprocess.run(
        [sys.executable, "-m", "evidencekit.core", "plugins", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root), DISABLE_AUTOLOAD_ENV: "1"},
    )
    assert env_off.returncode == 0, env_off.stderr
    assert "yes-count" not in env_off.stdout and '"ris"' in env_off.stdout


def test_provider_hook_that_raises_names_the_plugin():
    class Raising:
        @hookimpl
        def evidencekit_reporters(self):
            raise ValueError("no template folder")

    pm = get_plugin_manager(autoload=False)
    pm.register(Raising(), name="raising")
    with pytest.raises(
        RegistryError,
        match=r"^raising failed to list its reporter providers "
        r"\(evidencekit_reporters\): ValueError: no template",
    ):
        Registry(pm)


def test_plugin_command_hook_that_raises_leaves_the_builtin_commands(tmp_path):
    (tmp_path / "bad_cli.py").write_text(
        "from evidencekit.core import hookimpl\n"
        "@hookimpl\n"
        "def evidencekit_cli_commands(cli):\n"
        "    raise RuntimeError('cannot add')\n",
        "utf-8",
    )
    info = tmp_path / "bad_cli-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-cli\nVersion: 0.1\n", "utf-8")
    (info / "entry_points.txt").write_text("[evidencekit]\nbad_cli = bad_cli\n", "utf-8")
    result = _run_cli("instruments", "validate", pythonpath=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "warning: bad-cli 0.1 (bad_cli) could not add its commands: RuntimeError: cannot add"
    ]
    assert result.stdout.endswith("file(s) valid\n")


def test_plugin_instrument_folder_mistakes_are_warnings(tmp_path):
    from evidencekit.core.instruments.catalog import build_catalog

    class MissingFolder:
        @hookimpl
        def evidencekit_instrument_folders(self):
            return [tmp_path / "nowhere"]

    class Raising:
        @hookimpl
        def evidencekit_instrument_folders(self):
            raise OSError("package data missing")

    pm = get_plugin_manager(autoload=False)
    pm.register(MissingFolder(), name="missing-folder")
    pm.register(Raising(), name="raising")
    catalog = build_catalog(pm)
    assert sorted(catalog.problems) == [
        f"missing-folder: instrument folder {tmp_path / 'nowhere'} does not exist or is not a "
        "folder",
        "raising: evidencekit_instrument_folders failed: OSError: package data missing",
    ]
    assert catalog.get("casp-rct").version == "2018"  # the shipped ones are all there


def test_plugins_writes_to_a_file_with_o(tmp_path):
    from click.testing import CliRunner

    from evidencekit.core.cli import cli

    target = tmp_path / "plugins.json"
    result = CliRunner().invoke(
        cli, ["plugins", "--review", str(tmp_path), "--json", "-o", str(target)]
    )
    assert result.exit_code == 0 and result.stdout == ""
    data = json.loads(target.read_text("utf-8"))
    assert "percentage-bands" in {p["name"] for p in data["providers"]["appraisal-scorer"]}
    table = tmp_path / "plugins.txt"
    assert (
        CliRunner().invoke(cli, ["plugins", "--review", str(tmp_path), "-o", str(table)]).exit_code
        == 0
    )
    assert "percentage-bands" in table.read_text("utf-8")


def test_invalid_options_schema_names_the_plugin():
    class BadSchema:
        name = "bad-schema"
        description = "a scorer whose options schema is broken"
        options_schema = {"type": "objekt"}

    class Plugin:
        @hookimpl
        def evidencekit_appraisal_scorers(self):
            return [BadSchema()]

    pm = get_plugin_manager(autoload=False)
    pm.register(Plugin(), name="bad-plugin")
    with pytest.raises(
        RegistryError,
        match=r"^the options schema of appraisal-scorer "
        r"'bad-schema' \(bad-plugin\) is not a valid JSON "
        r"Schema: .*objekt.*; report this",
    ):
        Registry(pm).validate_options("appraisal-scorer", "bad-schema", {"a": 1})


def test_an_options_schema_is_checked_once_until_it_is_replaced():
    class Scorer:
        name = "changing-schema"
        description = "a scorer whose options schema is replaced after its first use"
        options_schema = {"type": "object"}

    class Plugin:
        @hookimpl
        def evidencekit_appraisal_scorers(self):
            return [scorer]

    scorer = Scorer()
    pm = get_plugin_manager(autoload=False)
    pm.register(Plugin(), name="changing-plugin")
    registry = Registry(pm)
    assert registry.validate_options("appraisal-scorer", "changing-schema", {"a": 1}) == {"a": 1}
    scorer.options_schema = {"type": "objekt"}  # a new object: checked again, and refused
    with pytest.raises(RegistryError, match="is not a valid JSON Schema: .*objekt"):
        registry.validate_options("appraisal-scorer", "changing-schema", {"a": 1})


def test_every_builtin_options_schema_is_valid_2020_12():
    from jsonschema import Draft202012Validator

    registry = Registry(get_plugin_manager(autoload=False))
    checked = 0
    for kind in registry.kinds():
        for info in registry.providers(kind):
            assert isinstance(info.description, str) and info.description.strip(), info.name
            if info.options_schema is not None:
                Draft202012Validator.check_schema(info.options_schema)
                checked += 1
    assert checked >= 5


def test_validate_resolves_references_to_a_plugins_instruments(tmp_path, monkeypatch):
    """A review's instrument may build on a framework an installed plugin ships."""
    from evidencekit.core.instruments.catalog import validate_paths

    site = tmp_path / "site"
    package = site / "evidencekit_fw"
    (package / "instruments").mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from importlib.resources import files\n"
        "from evidencekit.core import hookimpl\n"
        "@hookimpl\n"
        "def evidencekit_instrument_folders():\n"
        "    return [files('evidencekit_fw') / 'instruments']\n",
        "utf-8",
    )
    (package / "instruments" / "plugin-fw.yaml").write_text(
        "kind: framework\nid: plugin-fw\nversion: '1'\ntitle: A plugin's framework\n"
        "source: {citation: Test, licence: MIT}\n"
        "entries:\n  - {id: trust, name: Trust}\n  - {id: time, name: Time}\n",
        "utf-8",
    )
    info = site / "evidencekit_fw-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: evidencekit-fw\nVersion: 1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text("[evidencekit]\nfw = evidencekit_fw\n", "utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv(DISABLE_AUTOLOAD_ENV, raising=False)

    measure = tmp_path / "uses-plugin.yaml"
    measure.write_text(
        "kind: measure\nid: m\nversion: '1'\ntitle: M\nsource: {citation: T, licence: MIT}\n"
        "framework: plugin-fw\n"
        "items:\n  - {id: a, number: 1, text: A, influence: trust}\n"
        "  - {id: b, number: 2, text: B, influence: tyme}\n"
        "scale: {min: 0, max: 3}\nscoring: {method: sum, total_min: 0, total_max: 6}\n",
        "utf-8",
    )
    try:
        count, problems = validate_paths([measure])
        assert count == 1
        # The framework is found; the misspelt influence is the one problem.
        assert [p.split(": ", 1)[1] for p in problems] == [
            "$.items[1].influence: plugin-fw@1 has no entry 'tyme'"
        ]
        monkeypatch.setenv(DISABLE_AUTOLOAD_ENV, "1")
        _, problems = validate_paths([measure])
        assert "no instrument with id 'plugin-fw'" in problems[0]
    finally:
        sys.modules.pop("evidencekit_fw", None)
