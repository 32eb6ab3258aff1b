"""CareLLM safety."""
