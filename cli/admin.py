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


DEMO_DB = "sqlite:///bemanna-demo.sqlite3"
DEMO_ROLES = (Role.coordinator, Role.manager, Role.farmer, Role.worker)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    db: Db = None,
    demo: Annotated[bool, typer.Option("--demo", help="Serve the pool `bemanna demo` made (its SQLite file)")] = False,
) -> None:
    """Serve the web app and the HTTP API (OpenAPI docs at /docs), migrating the database first."""
    import uvicorn

    from api.app import create_app
    from api.web.assets import MISSING, missing

    if demo and db:
        raise fail("--demo serves the demo's own database; leave out --db")
    try:
        app = create_app(make_engine(DEMO_DB if demo else db))
    except SQLAlchemyError as e:
        raise fail(f"cannot open the database: {e.__class__.__name__}: {e.orig or e}") from None
    if missing():
        console.print(f"[yellow]warning:[/yellow] {MISSING}")
    console.print(f"Bemanna on http://{host}:{port}/ (API docs at /docs)")
    uvicorn.run(app, host=host, port=port)


def demo_accounts(session: Session, org_ref: str) -> list[tuple[Role, str, str, str]]:
    """One sign-in per role for the demo pool, each with a fresh random password (printed once, never
    stored in clear): the coordinator; the manager of the first site and the farmer of the first farm;
    and the worker with the most proposals in the roster. (role, e-mail, password, what they run)."""
    import secrets

    from sqlalchemy import func

    from api.core.security import new_user
    from models.enums import AssignmentStatus
    from models.tables import Assignment, Farm, PlaceAccess, Site

    oid = organisation(session, org_ref).id
    assert oid is not None
    site = session.exec(select(Site).where(Site.organisation_id == oid).order_by(Site.ref)).first()  # type: ignore[arg-type]
    farm = session.exec(select(Farm).where(Farm.organisation_id == oid).order_by(Farm.ref)).first()  # type: ignore[arg-type]
    busiest = session.exec(
        select(Worker)
        .join(Assignment, Assignment.worker_id == Worker.id)  # type: ignore[arg-type]
        .where(Worker.organisation_id == oid, Assignment.status == AssignmentStatus.proposed)
        .group_by(Worker.id)  # type: ignore[arg-type]
        .order_by(func.count().desc(), Worker.ref)  # type: ignore[arg-type]
    ).first()
    runs = {
        Role.coordinator: "the whole pool",
        Role.manager: site.name if site else "",
        Role.farmer: farm.name if farm else "",
        Role.worker: busiest.name if busiest else "",
    }
    accounts = []
    for role in DEMO_ROLES:
        email, password = f"{role.value}@demo.bemanna.test", secrets.token_urlsafe(12)
        user = new_user(
            oid,
            email,
            role,
            password,
            name=runs[role] if role == Role.worker else role.value.title(),
            worker_id=busiest.id if role == Role.worker and busiest else None,
        )
        if role == Role.worker and busiest is None:
            continue
        session.add(user)
        session.flush()
        if role == Role.manager and site is not None:
            session.add(PlaceAccess(user_id=user.id, site_id=site.id))  # type: ignore[arg-type]
        if role == Role.farmer and farm is not None:
            session.add(PlaceAccess(user_id=user.id, farm_id=farm.id))  # type: ignore[arg-type]
        accounts.append((role, email, password, runs[role]))
    return accounts


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
    from api.core.security import new_user, password_problem

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
