"""The crisis response spoken ahead of time, once per counselor, language and voice.

A crisis turn must start speaking at once; the counselor keeps the response's speech once made
(counseling/fixed_speech.py). A connection's first use of a language and voice makes it on a
background thread, so not even the first crisis waits for the talker.
"""

from __future__ import annotations

import logging
import threading

from carellm.config import Voice
from carellm.language import Lang
from carellm.serve.turns import ChatService

log = logging.getLogger("carellm.serve.realtime")
_prepared: set[tuple[int, str, str]] = set()
_prepared_lock = threading.Lock()


def prepare_crisis_speech(service: ChatService, lang: Lang | None, voice: Voice) -> None:
    """On a connection's first use of a language and voice, speak the crisis response in a
    background thread and keep it (counselor.fixed_speech), so a crisis turn starts speaking at
    once. Both languages when the session's language is not fixed."""
    counselor = service.counselor
    if not counselor.backend.can_speak:
        return
    langs: list[Lang] = [lang] if lang is not None else ["en", "zh"]
    for one in langs:
        key = (id(counselor), one, voice)
        with _prepared_lock:
            if key in _prepared:
                continue
            _prepared.add(key)

        def work(one: Lang = one) -> None:
            try:
                counselor.prepare_crisis_speech(one, voice)
            except Exception:  # the crisis turn then speaks it itself; nothing is lost
                log.warning(
                    "the crisis response could not be spoken ahead (%s, %s)", one, voice, exc_info=True
                )

        threading.Thread(target=work, name="carellm-crisis-speech", daemon=True).start()
