"""The review section of the config is validated like the others: bad values and unknown keys are one line."""

from __future__ import annotations

import pytest

from pipeline.config import load_config
from pipeline.settings import ConfigError
from review import settings


@pytest.mark.parametrize(
    "yaml_text, message",
    [
        ("review:\n  login_max_delay: soon\n", "review.login_max_delay"),
        ("review:\n  session_idle_timeout: 0\n", "review.session_idle_timeout"),
        ("review:\n  allowed_origins: https://desk.example\n", "review.allowed_origins"),
        ("review:\n  login_lockout_failure: 5\n", "did you mean review.login_lockout_failures?"),
        ("review:\n  secret_key: abc\n", "review.secret_key is not a setting"),  # sessions are server-side: no signing key
    ],
)
def test_bad_review_settings_are_one_line_naming_file_and_key(tmp_path, yaml_text, message):
    config = tmp_path / "desk.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert message in str(refused.value) and str(config) in str(refused.value) and "\n" not in str(refused.value)


def test_review_settings_reach_the_app(tmp_path):
    config = tmp_path / "desk.yaml"
    config.write_text("review:\n  login_max_delay: 60\n  session_idle_timeout: 600\n  allowed_origins: [https://Desk.example/]\n", encoding="utf-8")
    loaded = load_config(config)
    assert settings.throttle_policy(loaded).max_delay.total_seconds() == 60
    assert settings.session_policy(loaded).idle.total_seconds() == 600
    assert settings.allowed_origins(loaded) == ("https://desk.example",)
