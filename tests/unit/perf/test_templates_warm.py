"""Every served process compiles the project's templates when it starts (scimsite/warm.py): before, each
gunicorn worker compiled a page's templates on that page's first view there (a few ms per page and worker)."""
import importlib
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from scimsite.warm import templates_warm


def _cached_loader():
    return next(loader for loader in engines["django"].engine.template_loaders if isinstance(loader, CachedLoader))


def _project_templates():
    directory = Path(settings.BASE_DIR / "templates")
    return {path.relative_to(directory).as_posix() for path in directory.rglob("*.html")}


def test_the_wsgi_module_compiles_every_project_template_before_the_first_request():
    loader = _cached_loader()
    loader.reset()
    import scimsite.wsgi

    importlib.reload(scimsite.wsgi)  # what each gunicorn worker does after the fork
    cached = set(loader.get_template_cache)
    names = _project_templates()
    assert {"base.html", "connector/settings_secretserver.html", "components/form_field.html"} <= names
    assert names <= cached


def test_a_template_that_does_not_compile_is_logged_and_the_rest_still_compiled(tmp_path, caplog):
    (tmp_path / "broken.html").write_text("{% if %}")
    (tmp_path / "fine.html").write_text("{{ x }}")
    engine = engines["django"].engine
    loader = _cached_loader()
    loader.reset()
    dirs = engine.dirs
    engine.dirs = [*dirs, str(tmp_path)]
    try:
        compiled = templates_warm()
    finally:
        engine.dirs = dirs
        loader.reset()
    assert compiled == len(_project_templates()) + 1
    assert "broken.html does not compile" in caplog.text
