"""Work a served process does once when it starts instead of during its first page views.

gunicorn (without ``--preload``) imports scimsite.wsgi in every worker after the fork, and each worker keeps
its own compiled-template cache. Before, the first view of each page in each worker compiled that page's
templates (Settings › Secret Server ~3 ms, base.html ~9 ms, on pages that take ~2 ms): with 4 workers, up to
four slow views per page after every start or worker restart. Compiling all of the project's templates up
front takes ~25 ms per worker.
"""
from __future__ import annotations

import logging
from pathlib import Path

from django.template import TemplateSyntaxError, engines
from django.template.loaders.cached import Loader as CachedLoader

logger = logging.getLogger(__name__)


def templates_warm() -> int:
    """Compile every template of the project's template directories into this process's template cache (when
    Django's cached loader is in use, its default); returns how many. A template that does not compile is logged
    and left for its page to report, never a reason for the process not to start."""
    engine = engines["django"].engine
    if not any(isinstance(loader, CachedLoader) for loader in engine.template_loaders):
        return 0
    compiled = 0
    for directory in engine.dirs:
        for path in sorted(Path(directory).rglob("*.html")):
            name = path.relative_to(directory).as_posix()
            try:
                engine.get_template(name)
            except TemplateSyntaxError:
                logger.exception("template %s does not compile", name)
            else:
                compiled += 1
    return compiled
