"""CareLLM counseling."""
