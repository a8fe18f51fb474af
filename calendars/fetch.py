"""Fetching a worker's calendar from the URL they registered.

The server fetches a URL a user chose, so it guards against being used as a proxy or held open:
- only http(s) (and webcal, which is https);
- every host (each redirect too) must resolve to public addresses only, IPv4 addresses inside IPv6
  forms (mapped, 6to4, NAT64, IPv4-compatible) included, unless ``allow_private_calendar_urls`` says
  the pool runs inside a private network;
- the connection goes to the address that was checked (the URL's host is kept for the Host header and
  TLS), so a DNS answer that changes between check and connect (rebinding) cannot redirect it;
- one deadline for the whole download, a read timeout, and the upload's size bound while streaming.
Messages never repeat the URL: it usually holds a private token.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from calendars.busy import MAX_BYTES, CalendarFileError
from models.settings import settings

MAX_REDIRECTS = 5
TRANSPORT: httpx.BaseTransport | None = None  # a test seam: tests answer requests without a network
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _addresses(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)]


RESOLVE: Callable[[str], list[str]] = _addresses  # a test seam as well


def normalised(url: str) -> str:
    """The URL to fetch: webcal becomes https; anything but http(s) with a host is refused."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() == "webcal":
        url, parts = "https" + url[len(parts.scheme) :], urlsplit("https" + url[len(parts.scheme) :])
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CalendarFileError("the calendar URL must start with https://, http:// or webcal:// and name a host")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise CalendarFileError("the calendar URL's port is not a number from 1 to 65535") from None
    return url


def is_public(address: str) -> bool:
    """Globally reachable, and so is any IPv4 address the IPv6 form carries."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if not ip.is_global:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in NAT64_LOCAL or ip in IPV4_COMPATIBLE:
            return False
        inner = ip.ipv4_mapped or ip.sixtofour
        if ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if ip.teredo is not None:
            return False
        if inner is not None and not inner.is_global:
            return False
    return True


def _allowed_host(host: str) -> bool:
    hosts = [h.strip().lower().strip(".") for h in settings().calendar_hosts.split(",") if h.strip()]
    host = host.lower().strip(".")
    return not hosts or any(host == h or host.endswith("." + h) for h in hosts)


def checked_address(host: str) -> str:
    """The address to connect to for ``host``: a host the deployment allows, resolved once, all of its
    addresses public."""
    if not _allowed_host(host):
        raise CalendarFileError("Bemanna fetches calendars only from the hosts this pool allows")
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        addresses = [str(literal)]
    except ValueError:
        try:
            addresses = RESOLVE(host)
        except (OSError, UnicodeError):
            raise CalendarFileError("the calendar URL's host name cannot be found") from None
    if not addresses:
        raise CalendarFileError("the calendar URL's host name cannot be found")
    if not settings().allow_private_calendar_urls and not all(is_public(a) for a in addresses):
        raise CalendarFileError("the calendar URL points into a private network, which Bemanna does not fetch from")
    return addresses[0]


def _pinned(url: str, address: str) -> tuple[str, str]:
    """The URL with its host replaced by the checked address, and the Host header to send."""
    parts = urlsplit(url)
    ip = address.split("%")[0]
    netloc = f"[{ip}]" if ":" in ip else ip
    if parts.port is not None:
        netloc += f":{parts.port}"
    host = parts.hostname or ""
    host_header = f"[{host}]" if ":" in host else host
    if parts.port is not None:
        host_header += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")), host_header


def check(url: str) -> str:
    """The normalised URL, if it may be registered: its scheme, and its host's addresses."""
    url = normalised(url)
    checked_address(urlsplit(url).hostname or "")
    return url


def fetch(url: str) -> bytes:
    """The calendar file at ``url`` (at most ``MAX_BYTES``), or a ``CalendarFileError`` saying why not."""
    config = settings()
    deadline = time.monotonic() + config.calendar_fetch_seconds
    url = normalised(url)
    for _ in range(MAX_REDIRECTS + 1):
        host = urlsplit(url).hostname or ""
        target, host_header = _pinned(url, checked_address(host))
        headers = {
            "User-Agent": "Bemanna calendar import",
            "Accept": "text/calendar, */*;q=0.5",
            "Accept-Encoding": "identity",  # nothing to decompress: the size bound holds on what arrives
            "Host": host_header,
        }
        timeout = httpx.Timeout(min(config.calendar_read_seconds, max(0.1, deadline - time.monotonic())))
        try:
            with (
                httpx.Client(transport=TRANSPORT, timeout=timeout, follow_redirects=False, trust_env=False) as client,
                client.stream("GET", target, headers=headers, extensions={"sni_hostname": host}) as response,
            ):
                if response.is_redirect and "location" in response.headers:
                    url = normalised(urljoin(url, response.headers["location"]))
                    continue
                if response.status_code != 200:
                    raise CalendarFileError(f"the calendar server answered HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise CalendarFileError(f"the calendar is larger than {MAX_BYTES // 1_000_000} MB")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                return bytes(body)
        except httpx.TimeoutException:
            raise CalendarFileError(
                f"the calendar server did not send the file within {config.calendar_fetch_seconds:g} s"
            ) from None
        except httpx.HTTPError as error:
            raise CalendarFileError(f"the calendar could not be fetched ({type(error).__name__})") from None
    raise CalendarFileError(f"the calendar URL redirects more than {MAX_REDIRECTS} times")
