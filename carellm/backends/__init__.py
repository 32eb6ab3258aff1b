"""CareLLM backends."""
