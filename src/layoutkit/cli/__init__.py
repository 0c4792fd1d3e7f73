"""Command line: ``layoutkit SUBCOMMAND``.

Only this package touches click, ``sys.exit`` and logging configuration.
One module per subcommand.  stdout carries data; logs and progress go to
stderr.  Exit codes are those of :mod:`layoutkit.errors`.
"""

from __future__ import annotations

import importlib
import logging
import sys

import click

from .. import __version__
from ..errors import LayoutkitError

SUBCOMMANDS = ("convert", "repair", "layout", "eval", "batch", "engines")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="layoutkit")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Newspaper pages in, clean article text out."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="layoutkit: %(levelname)s: %(message)s", stream=sys.stderr)


for _name in SUBCOMMANDS:
    try:
        _mod = importlib.import_module(f".{_name}", __name__)
    except ModuleNotFoundError as _exc:  # a subcommand not built yet
        if _exc.name and _exc.name.endswith(f"cli.{_name}"):
            continue
        raise
    cli.add_command(_mod.command, _name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: translate project errors into one-line messages and exit codes."""
    try:
        cli.main(args=argv, prog_name="layoutkit", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("layoutkit: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LayoutkitError as exc:
        click.echo(f"layoutkit: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        click.echo("layoutkit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - never a traceback for the user
        logging.getLogger("layoutkit").debug("internal error", exc_info=True)
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        click.echo(f"layoutkit: internal error: {type(exc).__name__}: {first} "
                   "(please report it; run with -vv for the traceback)", err=True)
        sys.exit(6)
    sys.exit(0)


def exit_with(code: int) -> None:
    """Used by subcommands that decide their own exit code (eval, batch)."""
    sys.exit(code)
