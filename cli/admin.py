"""``bemanna serve``, ``bemanna org create`` and ``bemanna user add``: run the HTTP API and set up who may use it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from cli.render import fail
from models.enums import Role
from models.store import StoreError, init_db, make_engine, organisation
from models.tables import Organisation, User, Worker

console = Console()
Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: $DATABASE_URL or SQLite file)")]

org_app = typer.Typer(no_args_is_help=True, help="Organisations (municipal pools).")
user_app = typer.Typer(no_args_is_help=True, help="Users of the HTTP API.")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: Db = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs), migrating the database first."""
    import uvicorn

    from api.app import create_app

    try:
        app = create_app(make_engine(db))
    except SQLAlchemyError as e:
        raise fail(f"cannot open the database: {e.__class__.__name__}: {e.orig or e}") from None
    uvicorn.run(app, host=host, port=port)


@org_app.command("create")
def create_org(
    ref: Annotated[str, typer.Argument(help="Short id, e.g. 'trondheim'")],
    name: Annotated[str, typer.Option(help="Display name")],
    timezone: Annotated[str, typer.Option(help="IANA time zone of the pool")] = "Europe/Oslo",
    db: Db = None,
) -> None:
    """Create an empty organisation."""
    engine = make_engine(db)
    init_db(engine)
    with Session(engine) as session:
        if session.exec(select(Organisation).where(Organisation.ref == ref)).first():
            raise fail(f"organisation {ref!r} exists already")
        session.add(Organisation(ref=ref, name=name, timezone=timezone))
        session.commit()
    console.print(f"Created organisation {ref!r}")


@user_app.command("add")
def add_user(
    email: Annotated[str, typer.Argument()],
    org: Annotated[str, typer.Option("--org", help="Organisation ref")],
    role: Annotated[Role, typer.Option(help="coordinator, manager, farmer or worker")],
    name: Annotated[str, typer.Option(help="Display name")] = "",
    worker: Annotated[str | None, typer.Option(help="The worker's ref, for --role worker")] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, envvar="BEMANNA_PASSWORD")
    ] = "",
    db: Db = None,
) -> None:
    """Add a user who signs in with email and password (asked for, or read from $BEMANNA_PASSWORD)."""
    from api.security import new_user, password_problem

    weak = password_problem(password, email, name)
    if weak:
        raise fail(f"choose another password: {weak}")
    engine = make_engine(db)
    init_db(engine)
    with Session(engine) as session:
        try:
            oid = organisation(session, org).id
        except StoreError as e:
            raise fail(str(e)) from None
        assert oid is not None
        email = email.strip().lower()
        if session.exec(select(User).where(User.email == email, User.organisation_id == oid)).first():
            raise fail(f"a user with email {email!r} exists already in {org!r}")
        worker_id = None
        if worker is not None:
            row = session.exec(select(Worker).where(Worker.organisation_id == oid, Worker.ref == worker)).first()
            if row is None:
                raise fail(f"no worker {worker!r} in organisation {org!r}")
            worker_id = row.id
        elif role == Role.worker:
            raise fail("a user with --role worker needs --worker REF")
        session.add(new_user(oid, email, role, password, name=name, worker_id=worker_id))
        session.commit()
    console.print(f"Added {role} {email} to {org!r}")
