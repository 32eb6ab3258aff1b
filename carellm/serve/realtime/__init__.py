"""`/v1/realtime`: spoken sessions over a WebSocket, in the OpenAI Realtime API's event protocol.

events.py holds the wire format, audio.py the PCM16 codec, resampling and voice activity
detection, session.py one connection's turn-taking; the counseling session does the rest.
"""
