"""Trust boundary: EVIDENCEKIT_ALLOWED_PLUGINS and review.yaml `allow_plugins` restrict
which installed and local plugins load; a plugin not allowed is never imported."""

from __future__ import annotations

import sys

import pytest
from test_plugin_manager import example_dist  # noqa: F401 - the fixture, reused

from evidencekit.core.errors import PipelineError
from evidencekit.core.plugin_manager import ALLOWED_PLUGINS_ENV, get_plugin_manager
from evidencekit.core.registry import Registry
from evidencekit.core.review import open_review


@pytest.mark.parametrize(
    "listed, loaded",
    [
        ("yes_count", True),
        ("evidencekit-yes-count", True),
        ("something_else", False),
        ("", False),
    ],
)
def test_environment_variable_restricts_installed_plugins(
    example_dist,  # noqa: F811
    monkeypatch,
    listed,
    loaded,
):
    sys.modules.pop("evidencekit_yes_count", None)
    monkeypatch.setenv(ALLOWED_PLUGINS_ENV, listed)
    registry = Registry(get_plugin_manager())
    assert ("yes-count" in registry.names("appraisal-scorer")) is loaded
    assert ("evidencekit_yes_count" in sys.modules) is loaded  # never imported when refused
    assert "percentage-bands" in registry.names("appraisal-scorer")  # built-ins always load


def test_review_setting_restricts_installed_plugins(example_dist, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.delenv(ALLOWED_PLUGINS_ENV, raising=False)
    sys.modules.pop("evidencekit_yes_count", None)
    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: T\nallow_plugins: [other-plugin]\n", "utf-8"
    )
    assert "yes-count" not in open_review(tmp_path).registry.names("appraisal-scorer")
    assert "evidencekit_yes_count" not in sys.modules
    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: T\nallow_plugins: [yes_count]\n", "utf-8"
    )
    assert "yes-count" in open_review(tmp_path).registry.names("appraisal-scorer")


def test_environment_variable_refuses_an_unlisted_local_plugin(tmp_path, monkeypatch):
    (tmp_path / "evil_local.py").write_text("raise SystemExit('imported!')\n", "utf-8")
    monkeypatch.setenv(ALLOWED_PLUGINS_ENV, "trusted_one")
    with pytest.raises(
        PipelineError,
        match=r"names the local plugin 'evil_local', which "
        r"EVIDENCEKIT_ALLOWED_PLUGINS does not allow \(it allows: trusted_one\)",
    ):
        get_plugin_manager(["evil_local"], local_path=tmp_path, autoload=False)
    assert "evil_local" not in sys.modules
