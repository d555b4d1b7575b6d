"""The client's address, one rule for every throttle (the registration forms'
and django-axes' log-in throttle, through settings.AXES_CLIENT_IP_CALLABLE).

Without a proxy it is REMOTE_ADDR. Behind our reverse proxy (settings.BEHIND_PROXY)
REMOTE_ADDR is the proxy, and the client is the last X-Forwarded-For hop: the one
the proxy appended. Earlier hops are whatever the client sent, so trusting them
would let anyone pose as any address (and lock an organiser out from afar).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's IP address as text, or None if there is no valid one.
    An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is given as IPv4."""
    address = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_PROXY:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    return str(ip)
