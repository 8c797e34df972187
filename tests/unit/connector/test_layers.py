"""Dependencies point one way: views/API → services/selectors → the Secret Server client and models."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROJECT = ("connector", "accessrequests", "scimsite")


def _modules(*tops):
    for top in tops:
        for file in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in file.parts:
                yield file.relative_to(ROOT).as_posix(), ast.parse(file.read_text(encoding="utf-8"))


def _imported(node) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def _imports(tree) -> set[str]:
    return {name for node in ast.walk(tree) for name in _imported(node)}


def test_selectors_neither_call_secret_server_nor_import_services():
    below = ("connector.services", "connector.secretserver")
    offenders = {path: sorted(n for n in _imports(tree) if n.startswith(below))
                 for path, tree in _modules("connector/selectors")}
    assert {path: names for path, names in offenders.items() if names} == {}
    assert {n for n in _imports(ast.parse((ROOT / "accessrequests/selectors.py").read_text()))
            if n.startswith(below)} == set()


def test_the_log_file_writer_depends_on_no_service():
    tree = ast.parse((ROOT / "connector/logfiles.py").read_text(encoding="utf-8"))
    assert {n for n in _imports(tree) if n.startswith(("connector", "accessrequests"))} == set()


def test_views_and_api_do_not_import_the_secret_server_client():
    offenders = [path for path, tree in _modules("connector/views", "connector/api", "accessrequests")
                 if not path.startswith(("accessrequests/services", "accessrequests/management"))
                 and any(n.startswith("connector.secretserver") for n in _imports(tree))]
    assert offenders == []


def test_no_function_level_imports_of_project_modules():
    """A function-level import hides a cycle; only AppConfig.ready() may import (signal receivers)."""
    offenders = []
    for path, tree in _modules(*PROJECT):
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or function.name == "ready":
                continue
            for node in ast.walk(function):
                if any(name.split(".")[0] in PROJECT for name in _imported(node)):
                    offenders.append(f"{path}:{node.lineno}")
    assert offenders == []


def test_only_services_and_the_client_import_the_secret_server_client():
    """Views, API, middleware, SCIM handler and stores get connector/SCIM errors, never client ones."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[3]
    allowed = ("connector/secretserver/", "connector/services/", "scim/services/", "accessrequests/services.py")
    offenders = []
    for package in ("connector", "scim", "accessrequests", "scimsite"):
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(allowed) or "/migrations/" in relative or "/management/" in relative:
                continue
            if re.search(r"^\s*(from|import) connector\.secretserver", path.read_text(), re.M):
                offenders.append(relative)
    assert offenders == []
