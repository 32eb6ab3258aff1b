"""CareLLM emotion."""
