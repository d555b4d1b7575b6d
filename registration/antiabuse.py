"""Protection of the public forms against robots, without bothering people.

- A honeypot: a field people never see or reach (hidden, aria-hidden, out of
  the tab order). Robots that fill every field fill it too.
- A minimum fill time: the form carries a signed, timestamped stamp issued when
  the page was shown. A form sent back sooner than REGISTRATION_MIN_FILL_SECONDS
  (default 3) is shown again once with a polite note and a signed "warned"
  marker; only a second too-fast submission is refused. The stamp also carries
  the form's submission token (one registration per form, however often sent).
- A throttle per client address (and per target address for mail-sending
  forms) in Django's cache, which is Redis when several servers run.

Settings (declared in wegov/settings.py): REGISTRATION_MIN_FILL_SECONDS, REGISTRATION_THROTTLES
({scope: (requests, seconds)}, each replacing DEFAULT_THROTTLES' scope), BEHIND_PROXY (trust
the last X-Forwarded-For hop).
"""

import hashlib
import ipaddress
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, SignatureExpired, Signer, TimestampSigner

from wegov.clientip import client_ip

HONEYPOT_FIELD = "website"
STAMP_FIELD = "form_stamp"
WARNED_FIELD = "form_warned"

DEFAULT_THROTTLES = {
    # Registration form posts per client address per 10 minutes: generous, since a
    # city hall or the venue's Wi-Fi puts many people behind one address.
    "register": (40, 600),
    "lost": (5, 600),  # "lost my link" posts per client address per 10 minutes
    "lost_email": (3, 3600),  # link mails to one e-mail address per hour
}

_STAMP_SALT = "registration.antiabuse.stamp"
_WARNED_SALT = "registration.antiabuse.warned"


class Verdict(StrEnum):
    OK = "ok"
    TOO_FAST = "too_fast"  # first time: show the form again with a note
    REFUSED = "refused"


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    token: str = ""
    reason: str = ""  # for logs and tests: honeypot, tampered, too_fast_again

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.OK


# Honeypot and fill time -------------------------------------------------------


def new_stamp() -> str:
    """A stamp for a newly shown form: a fresh submission token, signed with the time."""
    return TimestampSigner(salt=_STAMP_SALT).sign(secrets.token_urlsafe(32))


def warned_marker(token: str) -> str:
    """Proof that the form with this token was already sent too fast once."""
    return Signer(salt=_WARNED_SALT).sign(token)


def honeypot_filled(data) -> bool:
    return bool((data.get(HONEYPOT_FIELD) or "").strip())


def check_submission(data) -> Check:
    """Judge a posted form (request.POST): honeypot, stamp signature, fill time."""
    if honeypot_filled(data):
        return Check(Verdict.REFUSED, reason="honeypot")
    stamp = data.get(STAMP_FIELD) or ""
    signer = TimestampSigner(salt=_STAMP_SALT)
    try:
        token = signer.unsign(stamp)
    except BadSignature:
        return Check(Verdict.REFUSED, reason="tampered")
    if not _too_fast(signer, stamp):
        return Check(Verdict.OK, token=token)
    if _was_warned(data.get(WARNED_FIELD) or "", token):
        return Check(Verdict.REFUSED, token=token, reason="too_fast_again")
    return Check(Verdict.TOO_FAST, token=token)


def min_fill_seconds() -> float:
    return float(settings.REGISTRATION_MIN_FILL_SECONDS)


def _too_fast(signer: TimestampSigner, stamp: str) -> bool:
    """True if the stamp is younger than the minimum fill time (its signature
    has not yet "expired" after that many seconds)."""
    minimum = min_fill_seconds()
    if minimum <= 0:
        return False
    try:
        signer.unsign(stamp, max_age=minimum)
    except SignatureExpired:
        return False
    return True


def _was_warned(marker: str, token: str) -> bool:
    try:
        return Signer(salt=_WARNED_SALT).unsign(marker) == token
    except BadSignature:
        return False


# Throttle ------------------------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    allowed: bool
    retry_after: int  # seconds until the current window ends


def hit(scope: str, key: str) -> Throttle:
    """Count one request for `key` in `scope`; allowed while the count is within
    the scope's limit for the current fixed window."""
    limit, window = throttle_limits(scope)
    now = time.time()
    bucket = int(now // window)
    cache_key = f"throttle:{scope}:{hashlib.sha256(key.encode()).hexdigest()[:32]}:{bucket}"
    cache.add(cache_key, 0, timeout=window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window)
        count = 1
    retry_after = max(int((bucket + 1) * window - now), 1)
    return Throttle(allowed=count <= limit, retry_after=retry_after)


def hit_client(request, scope: str) -> Throttle:
    return hit(scope, client_address(request))


def throttle_limits(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_THROTTLES, **settings.REGISTRATION_THROTTLES}
    return limits[scope]


def client_address(request) -> str:
    """The key a throttle counts a client under: its address (wegov.clientip, the
    same rule as the log-in throttle's), with IPv6 clients counted per /64, the
    block one subscriber usually gets."""
    address = client_ip(request)
    if address is None:
        return "unknown"
    ip = ipaddress.ip_address(address)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
