"""CareLLM serve."""
