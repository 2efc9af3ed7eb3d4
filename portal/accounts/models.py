"""Users of the portal. Pupils and students are never users."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(30))
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the user proved the address is theirs (the link in the confirmation e-mail).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language of the user's e-mail (and of the site once signed in): "nl" or "en".
    locale: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")
    # Groups of messages the user switched off (notifications.outbox.CATEGORIES).
    mail_off: Mapped[list] = mapped_column(JSON, default=list)
    # New requests and messages once a day in one e-mail instead of one by one.
    mail_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The personal calendar feed: only the SHA-256 of its secret token is kept.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    # Part of every session's id (get_id): a new one ends every session of the user at once
    # (signing out, a new password, "sign out everywhere").
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: new_session_token())
    # When the user deleted their account: what must stay (requests, audit) keeps an anonymous
    # row; name and address are gone.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships = relationship("Membership", back_populates="user", cascade="all, delete-orphan")

    def get_id(self):
        """What Flask-Login keeps in the session cookie: the id and the present session token."""
        return f"{self.id}:{self.session_token}"

    def __repr__(self):
        return f"<User {self.id} {self.role}>"


def new_session_token():
    return secrets.token_urlsafe(32)


RESET_PASSWORD = "reset_password"
CONFIRM_EMAIL = "confirm_email"


class AccountToken(TimestampMixin, Base):
    """A link sent by e-mail to reset a password or confirm an address: it expires and works
    once. Only the SHA-256 of its token is kept."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The address a confirmation is for (the new one, when a user changes it).
    email: Mapped[str | None] = mapped_column(String(254))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    def __repr__(self):
        return f"<AccountToken {self.id} {self.purpose}>"
