"""OneWindow app sync package."""
