"""The production entry point: `gunicorn 'web.wsgi:app'` (settings from the environment)."""

import sys

from archive.kernel.settings import Settings
from web.app import create_app
from web.ratelimit import check_shared_storage, gunicorn_workers

settings = Settings.from_env()
check_shared_storage(settings, gunicorn_workers(sys.argv))
app = create_app(settings)
