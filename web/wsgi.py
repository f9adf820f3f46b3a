"""The production entry point: `gunicorn 'web.wsgi:app'` (settings from the environment)."""

from web.app import create_app

app = create_app()
