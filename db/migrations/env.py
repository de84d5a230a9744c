"""Alembic environment: migrations run on the connection db.migrate hands over."""

from __future__ import annotations

from alembic import context

from db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line during development
        from sqlalchemy import create_engine

        connection = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://").connect()
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
    checkpoint = config.attributes.get("checkpoint")

    def applied(**_kw: object) -> None:
        # Called inside a revision's transaction, after its changes and before its commit: the crash
        # tests stop here (fault point "migrate.step_applied") to show the half-done revision rolls back.
        if checkpoint is not None:
            checkpoint("migrate.step_applied")

    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      on_version_apply=applied)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
