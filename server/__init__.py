"""OneWindow server package."""
