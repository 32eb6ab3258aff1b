"""CareLLM data."""
