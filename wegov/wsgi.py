"""WSGI entry point (gunicorn wegov.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from wegov.env import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
require_secret_key()
application = get_wsgi_application()
