"""Roles, permission primitives (deny by default) and password hashing.

Feature services decide *who* may do *what* with these primitives; nothing is allowed unless a
check says so.
"""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from portal.errors import NotAllowed

COMPANY_MEMBER = "company_member"
TEACHER = "teacher"
SCHOOL_COORDINATOR = "school_coordinator"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (COMPANY_MEMBER, TEACHER, SCHOOL_COORDINATOR, MODERATOR, ADMIN)
SCHOOL_ROLES = (TEACHER, SCHOOL_COORDINATOR)

_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
_dummy = None


def configure_hasher(time_cost=None, memory_cost=None):
    """Tests lower the cost; production keeps argon2-cffi's defaults."""
    global _hasher
    defaults = PasswordHasher()
    _hasher = PasswordHasher(
        time_cost=time_cost or defaults.time_cost,
        memory_cost=memory_cost or defaults.memory_cost,
    )


def hash_password(password):
    return _hasher.hash(password)


def dummy_hash():
    """A hash with the current parameters that no password matches, for timing-safe refusals."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(32)))
    return _dummy[1]


def verify_password(password_hash, password):
    """True when `password` matches; a malformed or missing hash never matches."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash):
    return _hasher.check_needs_rehash(password_hash)


def has_role(actor, *roles):
    return actor is not None and getattr(actor, "is_active", False) and actor.role in roles


def require(condition, message="not allowed"):
    """Raise NotAllowed unless `condition` holds: the one gate every service check goes through."""
    if not condition:
        raise NotAllowed(message)


def require_role(actor, *roles):
    require(has_role(actor, *roles), f"requires one of the roles {', '.join(roles)}")
