"""CareLLM eval."""
