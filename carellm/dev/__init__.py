"""CareLLM dev."""
