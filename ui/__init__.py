"""OneWindow ui package."""
