"""Case-insensitive path routing with `{name}` / `{name:int}` placeholders."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .http import bad_method, no_route


@dataclass
class Route:
    methods: tuple[str, ...]
    pattern: str
    handler: Callable
    anonymous: bool = False
    regex: re.Pattern = field(init=False)

    def __post_init__(self):
        def repl(m):
            name, _, kind = m.group(1).partition(":")
            return rf"(?P<{name}>-?\d+)" if kind == "int" else rf"(?P<{name}>[^/]+)"
        self.regex = re.compile("^" + re.sub(r"\{([^}]+)\}", repl, self.pattern.rstrip("/")) + "$",
                                re.IGNORECASE)


def route(methods, pattern, anonymous=False):
    """Decorator collecting handlers into a module-level ROUTES list via `collect`."""
    def wrap(fn):
        fn.__routes__ = getattr(fn, "__routes__", []) + [
            Route(tuple(m.upper() for m in methods.split("|")), pattern, fn, anonymous)]
        return fn
    return wrap


def collect(*modules) -> list[Route]:
    routes = []
    for module in modules:
        for obj in vars(module).values():
            routes += getattr(obj, "__routes__", [])
    # Literal segments beat placeholders: /secrets/stub before /secrets/{id}.
    routes.sort(key=lambda r: (r.pattern.count("{"), -len(r.pattern)))
    return routes


def resolve(routes: list[Route], method: str, path: str):
    """(route, params) or raise 404/405 ApiError. Trailing slash tolerated."""
    path = path.rstrip("/") or "/"
    allowed = False
    for r in routes:
        m = r.regex.match(path)
        if not m:
            continue
        if method in r.methods:
            params = {k: int(v) if ":int}" in r.pattern and f"{{{k}:int}}" in r.pattern else v
                      for k, v in m.groupdict().items()}
            return r, params
        allowed = True
    raise bad_method(method) if allowed else no_route(method, path)
