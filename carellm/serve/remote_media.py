"""Fetching an image/video URL for a client, guarded against SSRF.

Off unless the server was started with remote media allowed; then only hosts on the
allow-list (exact names), no redirects (a redirect could leave the list), a size cap read
incrementally and a short timeout.
"""

from __future__ import annotations

from urllib.parse import urlparse

from carellm.errors import MediaError, MediaTooLargeError
from carellm.serve.settings import ServeSettings


def fetch_allowed(url: str, kind: str, settings: ServeSettings, max_mb: float) -> bytes:
    host = (urlparse(url).hostname or "").lower()
    if not settings.allow_remote_media:
        raise MediaError(
            f"This server does not fetch {kind} URLs.",
            "Send the file inline as a base64 data URL, or start the server with --allow-remote-media.",
        )
    if host not in {h.lower() for h in settings.remote_media_hosts}:
        raise MediaError(
            f"The host '{host}' is not on this server's allow-list for media URLs.",
            "Send the file inline as a data URL, or add the host with --remote-media-host.",
        )
    import httpx

    limit = int(max_mb * 1e6)
    try:
        with httpx.stream(
            "GET", url, follow_redirects=False, timeout=settings.remote_media_timeout_s
        ) as resp:
            if resp.status_code != 200:
                raise MediaError(f"Fetching the {kind} URL gave HTTP {resp.status_code}.", "Check the URL.")
            data = bytearray()
            for piece in resp.iter_bytes():
                data += piece
                if len(data) > limit:
                    raise MediaTooLargeError(f"The {kind} at that URL is over {max_mb:g} MB.", "Send less.")
    except httpx.HTTPError as exc:
        raise MediaError(f"Could not fetch the {kind} URL ({type(exc).__name__}).", "Check the URL.") from exc
    return bytes(data)
