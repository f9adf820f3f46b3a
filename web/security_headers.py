"""Security headers every response carries: no sniffing, no framing, a strict CSP, and in
production HSTS (the site is served over HTTPS only, behind the reverse proxy)."""

from __future__ import annotations

from flask import Flask, Response

from archive.kernel.settings import Settings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask, settings: Settings) -> None:
    """Add the headers after every request; HSTS only where cookies are Secure (HTTPS)."""
    hsts = settings.is_production and settings.cookies_secure

    def add_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    app.after_request(add_headers)
