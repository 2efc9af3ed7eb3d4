"""A real SMTP server in the test process (aiosmtpd), for the outbox worker's tests.

It listens on 127.0.0.1 on a free port, records every message it accepts, and can answer an
address with a refusal ("550 ...") or a request to try later ("451 ...").
"""
import socket
import threading
from email import message_from_bytes
from email.policy import default

from aiosmtpd.controller import Controller


def free_port():
    """A port nothing listens on (the operating system's pick, released again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps what it received."""

    def __init__(self):
        self.received = []  # email.message.EmailMessage, in order of arrival
        self.envelopes = []  # (mail_from, [rcpt_tos])
        self.answers = {}  # address -> SMTP answer to RCPT TO, e.g. "550 5.1.1 No such user"
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append(message_from_bytes(envelope.content, policy=default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def message_ids(self):
        return [message["Message-ID"] for message in self.received]


class SmtpServer:
    """Start and stop a recording SMTP server on one port (down until started)."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.recorder = Recorder()
        self._controller = None

    def start(self):
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self):
        return self.recorder.received

    def settings(self):
        """The app's config pointing the worker here."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_TIMEOUT": 5.0,
                "SMTP_STARTTLS": False, "SMTP_SSL": False, "SMTP_USERNAME": None,
                "MAIL_FROM": "Techniekportaal <noreply@portal.test>"}
