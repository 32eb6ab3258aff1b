"""CareLLM store."""
