"""`procmine audit who-saw PSEUDONYM`, `procmine audit verify`, `procmine audit prune`."""

from __future__ import annotations

import json

import typer

from procmine.audit import AuditLog, default_retention_days
from procmine.cli.app import app

audit_app = typer.Typer(no_args_is_help=True, help="The app's audit log: who saw which case, and is it intact.")
app.add_typer(audit_app, name="audit")

_URL = typer.Option(None, "--url", help="The audit log (SQLAlchemy URL); default PROCMINE_AUDIT_URL or "
                                        "~/.local/share/procmine/audit.sqlite.")
_SCHEMA = typer.Option(None, "--schema", help="PostgreSQL schema of the audit table (default: the search path).")


@audit_app.command("who-saw")
def who_saw_command(pseudonym: str = typer.Argument(..., help="The case pseudonym (case id) asked about."),
                    url: str = _URL, schema: str = _SCHEMA,
                    as_json: bool = typer.Option(False, "--json", help="One JSON object per line.")) -> None:
    """Everyone who opened, exported or searched for the case PSEUDONYM: time, user, role, action."""
    records = AuditLog(url, schema=schema).who_saw(pseudonym)
    if as_json:
        for record in records:
            typer.echo(json.dumps(record.content(), ensure_ascii=False))
        return
    if not records:
        typer.echo(f"No record names {pseudonym}.")
        return
    typer.echo("time\tuser\trole\taction\tdataset\tcriterion")
    for r in records:
        typer.echo("\t".join((r.time, r.user, r.role, r.action, r.dataset, r.criterion or r.case_id)))


@audit_app.command("verify")
def verify_command(url: str = _URL, schema: str = _SCHEMA) -> None:
    """Check every record's hash and link; exit 2 naming the first broken record."""
    log = AuditLog(url, schema=schema)
    broken = log.verify()
    if broken is not None:
        typer.echo(f"Error: the audit log {log.engine.url!r} is broken at record {broken.seq}: "
                   f"{broken.reason}. Records from there on cannot be trusted; keep a copy of the "
                   "database for investigation.", err=True)
        raise typer.Exit(2)
    typer.echo(f"The audit log is intact: {len(log.records())} records verified.")


@audit_app.command("prune")
def prune_command(url: str = _URL, schema: str = _SCHEMA,
                  days: int = typer.Option(None, help="Keep this many days (default "
                                                      "PROCMINE_AUDIT_RETENTION_DAYS, else 183).")) -> None:
    """Drop records older than the retention period, behind a checkpoint that keeps the chain verifiable."""
    dropped = AuditLog(url, schema=schema).prune(days or default_retention_days())
    typer.echo(f"{dropped} records older than {days or default_retention_days()} days dropped.")
