"""Command-line interface: ``legalreview review|batch|rules|laws|eval|ledger|compare``.

User-facing messages are Chinese. Library errors (``LegalReviewError``) are printed without a
traceback and exit with status 2.
"""

from __future__ import annotations

import sys

import typer

from ..errors import LegalReviewError

app = typer.Typer(
    name="legalreview",
    help="乡镇（街道）合法性审查辅助工具：审查村规民约、行政规范性文件、行政机关合同等，生成审查意见书。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="显示版本号后退出", is_eager=True),
) -> None:
    if version:
        from .. import __version__

        typer.echo(f"legalreview {__version__}")
        raise typer.Exit()


def _register() -> None:
    # Each command group lives in its own module and registers itself here.
    from . import batch, evaluate, laws, ledger, review, rules

    for mod in (review, rules, laws, batch, evaluate, ledger):
        mod.register(app)


_register()


def err(message: str) -> None:
    """Print an error message to stderr (no traceback)."""
    typer.echo(f"错误：{message}", err=True)


def main(argv: list[str] | None = None) -> int:
    try:
        app(args=argv, prog_name="legalreview", standalone_mode=True)
    except LegalReviewError as e:
        err(str(e))
        return e.exit_code
    except KeyboardInterrupt:
        typer.echo("已中断。", err=True)
        return 130
    except SystemExit as e:  # typer/click exit
        return int(e.code or 0) if not isinstance(e.code, str) else 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
