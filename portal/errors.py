"""Errors that services raise and views translate into messages and status codes."""


class PortalError(Exception):
    """Base of every error a use case raises on purpose."""


class ValidationFailed(PortalError):
    """Input breaks a business rule; `errors` maps a form field ("" for the form) to a message."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k or 'form'}: {v}" for k, v in self.errors.items()))


class NotAllowed(PortalError):
    """The actor may not do this. Views answer 403."""


class NotFound(PortalError):
    """The object does not exist, or the actor may not know that it does. Views answer 404."""
