"""Alembic environment of the central server: migrations run on the connection server.migrate hands over."""

from __future__ import annotations

from alembic import context

from server.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line during development
        from sqlalchemy import create_engine

        connection = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect()
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead. The connection
    # server.migrate hands over is already in its transaction: the whole upgrade commits or rolls back as one.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
