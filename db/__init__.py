"""OneWindow db package."""
