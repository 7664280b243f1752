"""Alembic's entry point. `MetadataStore.open` passes a connection (already in a locked
transaction); `alembic -x url=sqlite:///… revision --autogenerate` passes a URL instead."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from sagelab.store.metadata import make_engine
from sagelab.store.tables import metadata


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


_main()
