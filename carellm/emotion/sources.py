"""Where `carellm emotion report --session ID` finds a session's transcript."""

from __future__ import annotations

from carellm.errors import ConfigError


def transcript_for_session(session_id: str) -> list[dict]:
    """Transcript rows for a stored session; needs the session store (carellm.store)."""
    try:
        from carellm.store import open_store  # type: ignore[attr-defined]
    except ImportError as exc:
        raise ConfigError(
            "The session store is not available in this installation.",
            "Save the conversation with /save FILE in `carellm chat` and use --file FILE.",
        ) from exc
    from carellm.config import load_settings

    return open_store(load_settings()).transcript(session_id)
