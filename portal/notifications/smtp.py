"""Talking to the mail server for the outbox worker: the connection, the message as it goes out,
and what an error means for the message that met it."""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime

# What an error means (see classify).
SERVER = "server"          # the server or our settings: nothing to do with the message
TEMPORARY = "temporary"    # this message, for now (4xx about it): try it again later
PERMANENT = "permanent"    # this message, for good (5xx about it): trying again will not help

# Answers that are about the server or our account on it, whatever command they answer:
# 421 closing, 454 authentication failed for now, 530 authentication required, 534 / 535 / 538
# authentication refused or too weak. The same message will go once the server or the settings
# are right again.
SERVER_CODES = frozenset({421, 454, 530, 534, 535, 538})


def connect_smtp(config):
    """An SMTP connection as PORTAL_SMTP_* configures it: TLS from the start (SSL) or by
    STARTTLS, and a login when a user name is set."""
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT"]
    context = ssl.create_default_context()
    if config["SMTP_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            smtp.starttls(context=context)
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def build_email(letter, *, sender, date):
    """The message as it goes out: text and HTML as alternatives, and with a calendar entry
    both a text/calendar alternative (which Outlook and Gmail show as an invitation) and an
    .ics attachment (for the others)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = letter.to_address
    email["Subject"] = letter.subject
    email["Date"] = format_datetime(date)
    email["Message-ID"] = letter.message_id
    email["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    email.set_content(letter.body_text)
    email.add_alternative(letter.body_html, subtype="html")
    if letter.ics:
        method = letter.ics_method or "PUBLISH"
        email.add_alternative(letter.ics, subtype="calendar", params={"method": method})
        email.add_attachment(letter.ics.encode(), maintype="application", subtype="ics",
                             filename="invite.ics")
    # Last: setting and nesting the parts moves or drops a message's Content-* headers.
    email["Content-Language"] = letter.locale
    return email


def classify(error):
    """SERVER, TEMPORARY or PERMANENT for an error met while sending one message.

    Only an answer about this message's recipient or content says something about the message:
    a 5xx there (no such mailbox, content refused) is PERMANENT, a 4xx TEMPORARY. Everything
    else is SERVER: the sender refused (our MAIL FROM, or a login the server wants), an
    authentication answer, a connection refused, lost or timed out, a TLS failure. Those would
    fail the same way for every message, so they must not count against any of them."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        if any(code in SERVER_CODES for code in codes):
            return SERVER
        return PERMANENT if all(code >= 500 for code in codes) else TEMPORARY
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PERMANENT  # the address needs SMTPUTF8, which this server cannot do
    if isinstance(error, (smtplib.SMTPSenderRefused, smtplib.SMTPHeloError)):
        return SERVER
    if isinstance(error, smtplib.SMTPResponseException):  # the answer to DATA: the message
        if error.smtp_code in SERVER_CODES:
            return SERVER
        return PERMANENT if error.smtp_code >= 500 else TEMPORARY
    return SERVER


def describe(error):
    """The error as the administrator's page shows it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_text(message)}" for code, message
                         in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"[:1000]


def _text(message):
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def close(smtp, polite=False):
    """End the connection: QUIT when it is in order, else just close the socket."""
    try:
        if polite:
            smtp.quit()
        else:
            smtp.close()
    except (smtplib.SMTPException, OSError):
        smtp.close()
