"""A real SMTP server for tests: aiosmtpd (PyPI) as a subprocess, storing messages in a Maildir.

The server under test sends over real SMTP to 127.0.0.1:<port> (`security: none`, no credentials, a
loopback sink); the test reads what arrived from DIR/new. Start it with `smtp_sink(workdir)`, a
context manager that always stops the process, and point a config copy at it with `use_sink`.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

from portcullis_testkit import edit_yaml, file_tail, free_port, stop_process

SINK_STARTUP_TIMEOUT = 15.0
# Delivery is queued in the background (see docs/email.md): a message arrives a moment after the
# page that caused it. Anything slower than this is a lost message, not a slow machine.
MAIL_TIMEOUT = 15.0
SENDER = "Acme <no-reply@acme.test>"

_LINK = re.compile(r"https?://[^\s<>\"]+")


@dataclass
class Mail:
    path: Path
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        """The text/plain body, quoted-printable decoded."""
        part = self.message.get_body(preferencelist=("plain",)) or self.message
        payload = part.get_payload(decode=True)
        return payload.decode(part.get_content_charset() or "utf-8")

    def links(self) -> list[str]:
        return _LINK.findall(self.text)

    def link(self, path_part: str) -> str:
        """The one link in the body whose URL contains path_part (e.g. "/u/verify-email?")."""
        found = [link for link in self.links() if path_part in link]
        assert len(found) == 1, f"expected one {path_part!r} link in {self.subject!r}:\n{self.text}"
        return found[0]


@dataclass
class SMTPSink:
    port: int
    maildir: Path
    log_path: Path
    proc: subprocess.Popen | None = None
    _seen: set[str] = field(default_factory=set)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def start(self) -> "SMTPSink":
        for sub in ("new", "cur", "tmp"):  # without them every DATA fails with 500
            (self.maildir / sub).mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "aiosmtpd", "-n",
                "-l", f"{self.host}:{self.port}",
                "-c", "aiosmtpd.handlers.Mailbox", str(self.maildir),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_listening()
        return self

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + SINK_STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"aiosmtpd exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    if s.recv(512).startswith(b"220"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"aiosmtpd not listening after {SINK_STARTUP_TIMEOUT}s:\n{self.log_tail()}")

    def stop(self) -> None:
        stop_process(self.proc)
        if getattr(self, "_log", None):
            self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        return file_tail(self.log_path, lines)

    # -- messages --

    def all_mail(self) -> list[Mail]:
        mails = []
        for path in sorted((self.maildir / "new").iterdir()):
            with open(path, "rb") as f:
                mails.append(Mail(path, email.message_from_binary_file(f, policy=email.policy.default)))
        return mails

    def mail_to(self, address: str) -> list[Mail]:
        return [m for m in self.all_mail() if address.lower() in m.to.lower()]

    def wait_for_mail(self, address: str, subject_part: str = "", timeout: float = MAIL_TIMEOUT) -> Mail:
        """Waits for a message to `address` not returned before (whose subject contains subject_part)."""
        deadline = time.monotonic() + timeout
        while True:
            for mail in self.mail_to(address):
                if mail.path.name not in self._seen and subject_part in mail.subject:
                    self._seen.add(mail.path.name)
                    return mail
            if time.monotonic() >= deadline:
                subjects = [(m.to, m.subject) for m in self.all_mail()]
                raise AssertionError(
                    f"no mail to {address} ({subject_part!r}) within {timeout}s; mailbox: {subjects}\n"
                    f"sink log:\n{self.log_tail()}"
                )
            time.sleep(0.05)


@contextmanager
def smtp_sink(workdir: Path) -> Iterator[SMTPSink]:
    """A running aiosmtpd on a free loopback port with a Maildir in workdir; always stopped."""
    workdir.mkdir(parents=True, exist_ok=True)
    sink = SMTPSink(free_port(), workdir / "maildir", workdir / "aiosmtpd.log")
    try:
        yield sink.start()
    finally:
        sink.stop()


def use_sink(config_dir: Path, sink: SMTPSink, sender: str = SENDER) -> None:
    """Points config_dir/portcullis.yaml's email at the sink: plain SMTP without credentials."""

    def change(data: dict) -> None:
        data["email"] = {
            "transport": "smtp",
            "from": sender,
            "smtp": {"host": sink.host, "port": sink.port, "security": "none"},
        }

    edit_yaml(config_dir / "portcullis.yaml", change)
