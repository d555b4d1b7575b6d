"""The mail backend of `make run` (DEBUG): prints each mail readably in the
terminal, in Korean too. Django's console backend prints the raw MIME message,
whose Korean text part is base64; this one prints the headers a person reads,
the decoded plain-text part, the names of the attachments, and the links, so
the private link can be followed from the terminal."""

import re

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

LINK = re.compile(r"https?://[^\s<>\"')]+")


def readable(message) -> str:
    """A mail as a person would read it: headers, text, attachments, links."""
    msg = message.message()
    lines = [f"{name}: {msg[name]}" for name in ("From", "To", "Subject", "Date") if msg[name]]
    text = ""
    attachments = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/plain" and not part.get_filename() and not text:
            text = part.get_content()
        elif part.get_filename():
            attachments.append(f"{part.get_filename()} ({part.get_content_type()})")
    lines += ["", text.rstrip()]
    if attachments:
        lines += ["", "Attachments: " + ", ".join(attachments)]
    links = list(dict.fromkeys(LINK.findall(text)))
    if links:
        lines += ["", "Links:", *(f"  {link}" for link in links)]
    return "\n".join(lines)


class EmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        self.stream.write(readable(message) + "\n")
        self.stream.write("-" * 79 + "\n")
