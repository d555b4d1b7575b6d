"""A small real SMTP server for tests: a socket on 127.0.0.1 and a thread per
client, speaking just enough SMTP for smtplib (and so Django's SMTP backend).

It can be steered while it runs:
- `hang()`: it accepts connections but says nothing (a hung mail server), until
  `recover()`;
- `refuse = "451 4.3.0 Try again later"`: every MAIL FROM gets that answer;
- `on_message(recipients)`: called when a message has been received, before the
  server answers 250 (the moment the server takes responsibility for it).

`received` lists the recipients of every message accepted, in order.
"""

import re
import socketserver
import threading
from collections import Counter
from collections.abc import Callable

from django.core.mail.backends.smtp import EmailBackend


class FakeSMTPServer:
    def __init__(self, *, on_message: Callable[[list[str]], None] | None = None):
        self.on_message = on_message
        self.refuse: str | None = None
        self.received: list[list[str]] = []
        self.connections = 0
        self._answering = threading.Event()
        self._answering.set()
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler, bind_and_activate=True)
        self._server.daemon_threads = True
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> "FakeSMTPServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._answering.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def hang(self) -> None:
        self._answering.clear()

    def recover(self) -> None:
        self._answering.set()

    def per_recipient(self) -> Counter:
        with self._lock:
            return Counter(address for recipients in self.received for address in recipients)

    def settings_for(self, *, timeout: float) -> dict:
        """MAILERS for Django's own SMTP backend pointed at this server."""
        backend = f"{EmailBackend.__module__}.{EmailBackend.__qualname__}"
        options = {"host": "127.0.0.1", "port": self.port, "timeout": timeout}
        return {"default": {"BACKEND": backend, "OPTIONS": options}}

    def _accept(self, recipients: list[str]) -> None:
        if self.on_message is not None:
            self.on_message(list(recipients))
        with self._lock:
            self.received.append(list(recipients))


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def handle(self):
        fake: FakeSMTPServer = self.server.fake
        with fake._lock:
            fake.connections += 1
        while not fake._answering.wait(0.05):
            if fake._stopped.is_set():
                return
        try:
            self._converse(fake)
        except OSError:
            pass  # the client gave up (its timeout) or went away

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def _converse(self, fake: FakeSMTPServer) -> None:
        self._reply("220 fake.test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 fake.test")
            elif verb == "MAIL":
                recipients = []
                self._reply(fake.refuse or "250 OK")
            elif verb == "RCPT":
                found = re.search(r"<([^>]*)>", command)
                recipients.append(found.group(1) if found else "")
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                fake._accept(recipients)
                self._reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                recipients = [] if verb == "RSET" else recipients
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")
