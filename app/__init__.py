"""OneWindow app package."""
