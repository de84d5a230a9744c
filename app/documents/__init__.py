"""OneWindow app documents package."""
