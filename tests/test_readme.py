"""The README's settings table lists every setting, as the code and the Terraform define it."""

from __future__ import annotations

import re

from api.core.settings import PROJECT_ROOT, Settings
from tests.settings_table import END, START, production_sources, table


def test_the_readme_lists_every_setting_as_the_code_defines_it() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert START in readme
    assert END in readme
    written = readme[readme.index(START) : readme.index(END) + len(END)]
    assert written == table(), "run `python -m tests.settings_table` and paste its table"
    listed = set(re.findall(r"^\| `(PIREP_\w+)`", written, re.M))
    assert listed == {f"PIREP_{name.upper()}" for name in Settings.model_fields}


def test_every_variable_production_sets_is_a_setting() -> None:
    """A misspelt name in the Terraform or the image would be ignored without a word."""
    known = {f"PIREP_{name.upper()}" for name in Settings.model_fields}
    sources = production_sources()
    assert {"PIREP_DATABASE_URL", "PIREP_TURNSTILE_SECRET_KEY", "PIREP_SPA_DIR"} <= set(sources)
    assert set(sources) <= known, set(sources) - known
