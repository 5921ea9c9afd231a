"""`flask --app webhook registry import KIND FILE` and `flask --app webhook discover`."""
from __future__ import annotations

import datetime as dt
import sys

import click

from models import Session
from models.registry import KINDS


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None


@click.group("registry")
def registry():
    """Department registries (民政, 残联, 教育, 人社, 医保): imports."""


@registry.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--date", "on", default=None, help="the import's date, YYYY-MM-DD (default: today)")
@click.option("--no-discover", is_flag=True, help="import only; run `discover` later")
def import_registry(kind: str, path: str, on: str | None, no_discover: bool):
    """A registry file (CSV UTF-8 or XLSX, header in interfaces.md): the whole file or nothing,
    then the discovery run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from discovery import registries
    from models.tabular import ImportRefused

    today = _day(on)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"导入{registries.kind_title(kind)}", total=None)
        try:
            record = registries.import_file(kind, path, today=today, by="cli",
                                            progress=lambda done, total: bar.update(task, completed=done, total=total))
        except ImportRefused as refused:
            Session.rollback()
            bar.stop()
            click.echo(refused.report(), err=True)
            sys.exit(1)
    Session.commit()
    click.echo(registries.summary(record))
    if not no_discover:
        _discover(today)


@click.command("discover")
@click.option("--date", "on", default=None, help="assess as of YYYY-MM-DD (default: today)")
def discover(on: str | None):
    """Assess every known household: education-aid cases opened, likely-eligible families listed."""
    _discover(_day(on))


def _discover(today: dt.date | None) -> None:
    import policy
    from discovery import cases, standards

    standards.ensure_current(force=True)  # values staff added in the console count too
    try:
        outcome = cases.discover(today)
    except policy.SituationError as err:
        Session.rollback()
        raise click.ClickException(err.message) from None
    Session.commit()
    told = cases.notify_pending()
    click.echo(outcome.summary() + (f"；已通知 {told} 户" if told else ""))
