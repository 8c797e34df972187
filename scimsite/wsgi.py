import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scimsite.settings")
application = get_wsgi_application()

from scimsite.warm import templates_warm  # noqa: E402  (needs the configured Django above)

templates_warm()  # each gunicorn worker imports this module: its first views find the templates compiled
