"""Security headers on every response.

The pages load scripts, styles, fonts and images from the portal only, and no page has inline
script or inline style (templates and static/js keep to that), so the Content-Security-Policy
can be strict: what an attacker writes into a page cannot run. No other site may frame a page
(clickjacking), no browser guesses a type (nosniff), and other sites learn at most the origin a
visitor came from. Pages of a signed-in user are never stored by browser or proxy: they show one
person's data, also after signing out on a shared computer.

A response that sets a header itself keeps it (the mail preview's stricter sandbox policy, the
pages of e-mailed links that send no referrer at all).
"""
from flask import current_app, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",  # Bootstrap draws checkboxes and select arrows as data: SVG
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def register_security_headers(app):
    app.after_request(add_security_headers)


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # For browsers that do not know frame-ancestors; a response allowing its own origin to frame
    # it (the mail preview) says so in its policy.
    policy = response.headers.get("Content-Security-Policy", "")
    response.headers.setdefault(
        "X-Frame-Options", "SAMEORIGIN" if "frame-ancestors 'self'" in policy else "DENY")
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if hsts:
        response.headers.setdefault("Strict-Transport-Security",
                                    f"max-age={hsts}; includeSubDomains")
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
        response.headers.add("Vary", "Cookie")
    return response
