"""CareLLM web."""
