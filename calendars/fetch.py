"""Fetching a worker's calendar from the URL they registered.

The server fetches a URL a user chose, so it guards against being used as a proxy: only http(s) (and
webcal, which is https), every host (each redirect too) must resolve to public addresses unless
``BEMANNA_ALLOW_PRIVATE_CALENDAR_URLS=1`` says the pool runs inside a private network, a short timeout,
and the same size bound as an upload. Messages never repeat the URL: it usually holds a private token.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import httpx

from calendars.busy import MAX_BYTES, CalendarFileError

TIMEOUT = httpx.Timeout(10.0)
MAX_REDIRECTS = 5
TRANSPORT: httpx.BaseTransport | None = None  # a test seam: tests answer requests without a network


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
    return url


def _check_host(url: str) -> None:
    if os.environ.get("BEMANNA_ALLOW_PRIVATE_CALENDAR_URLS") == "1":
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = RESOLVE(host)
    except OSError:
        raise CalendarFileError("the calendar URL's host name cannot be found") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise CalendarFileError("the calendar URL points into a private network, which Bemanna does not fetch from")


def fetch(url: str) -> bytes:
    """The calendar file at ``url`` (at most ``MAX_BYTES``), or a ``CalendarFileError`` saying why not."""
    url = normalised(url)
    headers = {"User-Agent": "Bemanna calendar import", "Accept": "text/calendar, */*;q=0.5"}
    with httpx.Client(transport=TRANSPORT, timeout=TIMEOUT, follow_redirects=False, headers=headers) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_host(url)
            try:
                with client.stream("GET", url) as response:
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
                    return bytes(body)
            except httpx.TimeoutException:
                raise CalendarFileError("the calendar server did not answer in time") from None
            except httpx.HTTPError as error:
                raise CalendarFileError(f"the calendar could not be fetched ({type(error).__name__})") from None
    raise CalendarFileError(f"the calendar URL redirects more than {MAX_REDIRECTS} times")
