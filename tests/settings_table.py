"""The README's table of settings, made from the settings themselves (descriptions, defaults)
and from where production gets each one (the Terraform's task environment and secrets, the
image). `python -m tests.settings_table` prints it; tests/test_readme.py keeps the README
equal to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from api.core.settings import PROJECT_ROOT, Settings

PROJECT = PROJECT_ROOT / "infra/modules/project/main.tf"
START = "<!-- settings table: python -m tests.settings_table -->"
END = "<!-- end of settings table -->"


def _keys(text: str, block: str) -> list[str]:
    match = re.search(rf"^\s*{block} = (?:merge\([^{{]*)?\{{(.*?)^\s*\}}", text, re.S | re.M)
    assert match is not None, f"no `{block}` map in {PROJECT}"
    return re.findall(r"(PIREP_\w+)\s*=", match.group(1))


def production_sources() -> dict[str, str]:
    """Where each variable comes from in production."""
    text = PROJECT.read_text()
    sources: dict[str, str] = {}
    for name in re.findall(r"(PIREP_\w+)=", (PROJECT_ROOT / "Dockerfile.api").read_text()):
        sources[name] = "image (`Dockerfile.api`)"
    for name in _keys(text, "environment") + _keys(text, "settings"):
        sources[name] = "task environment (Terraform)"
    for name in _keys(text, "static_secret"):
        sources[name] = "static secret (Terraform)"
    for name in _keys(text, "dynamic_secret"):
        sources[name] = "dynamic secret (by hand)"
    return sources


def _default(value: Any) -> str:
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        return (
            f"`{value.relative_to(PROJECT_ROOT)}`"
            if value.is_relative_to(PROJECT_ROOT)
            else f"`{value}`"
        )
    if isinstance(value, (list, tuple)) and not value:
        return "`[]`"
    return f"`{value}`"


def table() -> str:
    sources = production_sources()
    rows = [
        START,
        "| variable | meaning | default | in production |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        variable = f"PIREP_{name.upper()}"
        default = field.default_factory() if field.default_factory else field.default
        meaning = (field.description or "").replace("|", "\\|")
        source = sources.get(variable, "default")
        rows.append(f"| `{variable}` | {meaning} | {_default(default)} | {source} |")
    rows.append(END)
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
