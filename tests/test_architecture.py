"""The import contracts (`lint-imports`, run by `make test`) name every part of `api` that the
framework-free core, the models and the importer must not import: a new domain package or
module cannot slip past them."""

from __future__ import annotations

import re
import tomllib

from api.core.settings import PROJECT_ROOT

FREE_OF_THE_WEB = {"api.core", "api.models"}


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return {contract["name"]: contract for contract in contracts}


def _web_side() -> set[str]:
    """Every package and module of ``api`` but the core and the models."""
    api = PROJECT_ROOT / "api"
    packages = {f"api.{path.name}" for path in api.iterdir() if (path / "__init__.py").exists()}
    modules = {f"api.{path.stem}" for path in api.glob("*.py") if path.stem != "__init__"}
    return (packages | modules) - FREE_OF_THE_WEB


def test_the_core_the_models_and_the_importer_may_import_nothing_else_of_api() -> None:
    contracts = _contracts()
    core = contracts[
        "The framework-free core and models never import the web framework or a domain package"
    ]
    importer = contracts["The importer stands on the framework-free core and the models alone"]
    web = _web_side()
    assert {"api.airports", "api.app", "api.jobs"} <= web

    for contract in (core, importer):
        forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
        assert web <= forbidden, sorted(web - forbidden)
        assert {"fastapi", "starlette"} <= forbidden
    assert set(core["source_modules"]) == FREE_OF_THE_WEB  # type: ignore[call-overload]
    assert importer["source_modules"] == ["importer"]


def test_nothing_imports_the_pirep_command() -> None:
    contract = _contracts()[
        "Nothing imports the `pirep` command: what commands share is in api.terminal"
    ]
    sources = set(contract["source_modules"])  # type: ignore[call-overload]
    assert sources == (_web_side() | FREE_OF_THE_WEB) - {"api.cli"}, sorted(
        (_web_side() | FREE_OF_THE_WEB) - {"api.cli"} ^ sources
    )
    assert contract["forbidden_modules"] == ["api.cli"]


def _sources() -> dict[str, str]:
    """Every Python file of the application and the importer, by path."""
    return {
        str(path.relative_to(PROJECT_ROOT)): path.read_text(encoding="utf-8")
        for package in ("api", "importer")
        for path in (PROJECT_ROOT / package).rglob("*.py")
    }


# Moving the generation or writing a change row, in SQL or through the ORM.
_CHANGE_WRITES = re.compile(
    r"data_generation\s*(=|\+)|(?i:INSERT\s+INTO\s+data_changes)|(?<!class )\bDataChange\("
)
_VERSION_WRITES = re.compile(r"(?<!class )\bVersion\(|(?i:INSERT\s+INTO\s+versions)")


def test_only_the_change_pipeline_moves_the_generation_or_records_changes() -> None:
    writers = {path for path, text in _sources().items() if _CHANGE_WRITES.search(text)}

    assert writers == {"api/core/changes.py"}


def test_versions_are_written_in_one_place() -> None:
    writers = {path for path, text in _sources().items() if _VERSION_WRITES.search(text)}

    assert writers == {"api/versions/repository.py"}


def test_the_rules_see_a_writer_that_breaks_them() -> None:
    assert _CHANGE_WRITES.search('sa.text("UPDATE site_settings SET data_generation = 1")')
    assert _CHANGE_WRITES.search("values(data_generation=SiteSettings.data_generation + 1)")
    assert _CHANGE_WRITES.search("INSERT INTO data_changes (kind) VALUES ('edit')")
    assert not _CHANGE_WRITES.search("SELECT data_generation FROM site_settings")
    assert _VERSION_WRITES.search("session.add(Version(item_type=...))")
    assert not _VERSION_WRITES.search("class Version(Base):")
