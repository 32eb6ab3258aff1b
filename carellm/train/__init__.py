"""CareLLM train."""
