"""How often one may try to sign in, register or ask for a new password.

The limits protect an account without letting anyone lock others out:
- sign-in counts only failed attempts (a 422 answer), per account *and* address, in windows
  that grow (5 a minute, 10 in 15 minutes, 20 an hour, 50 a day): a person who mistypes waits a
  minute, a script guessing from one address soon waits hours. Someone guessing from elsewhere
  does not lock the owner out, since the owner's address has its own count;
- per account across all addresses a looser limit stops guessing spread over many addresses;
- per address across all accounts the limit is wide enough for a school network, where
  hundreds of pupils' teachers and staff share one address.

Behind a proxy the address is the client's only when PORTAL_TRUSTED_PROXIES says how many
proxies to believe (portal/__init__.py). With several workers the counts must be shared:
PORTAL_RATELIMIT_STORAGE_URL=redis://... (README).
"""
from flask import request
from flask_limiter.util import get_remote_address

# Longest window first: the refusal names the window that holds longest (the wait to tell).
SIGN_IN_PER_ACCOUNT_AND_ADDRESS = "50/day;20/hour;10/15 minutes;5/minute"
SIGN_IN_PER_ACCOUNT = "100/hour"
SIGN_IN_PER_ADDRESS = "100/minute;1000/hour"
REGISTER_PER_ADDRESS = "60/hour;300/day"
REGISTER_PER_EMAIL = "5/hour"
RESET_PER_ADDRESS = "20/minute;200/hour"
RESET_PER_EMAIL = "5/hour"


def _typed_email():
    return (request.form.get("email") or "").strip().lower()


def account_key():
    return f"account:{_typed_email()}"


def account_and_address_key():
    return f"account:{_typed_email()}@{get_remote_address()}"


def failed(response):
    """Only a refused sign-in counts (the form answered 422)."""
    return response.status_code == 422
