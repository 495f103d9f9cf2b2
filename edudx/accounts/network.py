"""The client's address, believing X-Forwarded-For only from the proxies we run.

Behind the production reverse proxy every request arrives from the proxy's address: keyed
on REMOTE_ADDR, one person's failed logins would lock every user behind it out, and one
person's searches would spend everyone's budget. X-Forwarded-For carries the real client,
but anyone can send that header: it is read only when the request comes from an address in
settings.EDUDX_TRUSTED_PROXIES, walking the list from the right (the hop our proxy added)
past further trusted proxies to the first address that is not ours.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in n for n in networks)


def client_ip(request) -> str:
    """The address the request came from, as seen past our own proxies."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(getattr(settings, "EDUDX_TRUSTED_PROXIES", ())))
    if not networks or not _trusted(_address(remote), networks):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A hop our proxy could not have written: what lies left of it is the
            # client's own say; stop at the last address we can vouch for.
            return remote
        if not _trusted(address, networks):
            return str(address)
        remote = str(address)
    return remote
