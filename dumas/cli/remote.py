"""The app's side of the hand-over: run a command the command line sent (POST /ops/command,
dumas/ui/routes.py) in this process, on the serving database, exactly as a direct run
would, and give back what it printed, its exit status and the files it wrote.

The command is one of dumas.cli.handover.COMMANDS, parsed by the command line's own parser;
it prints into buffers (never the process's sys.stdout: the server runs requests in
threads) and the files the user named travel as bytes both ways.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime as dt
import io
import os
from pathlib import Path
from typing import NoReturn

from dumas import i18n
from dumas.cli.console import Console
from dumas.cli.handover import COMMANDS
from dumas.db import Database
from dumas.services import ops_tokens
from dumas.services.ops_tokens import OpsToken


class BadCommand(Exception):
    """The request is no command this endpoint runs: 400 (or 409) with one line."""

    def __init__(self, line: str, status: int = 400) -> None:
        super().__init__(line)
        self.line, self.status = line, status


class _Parser(argparse.ArgumentParser):
    """The command line's parser, refusing instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise BadCommand(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise BadCommand(message or "--help")

    def _print_message(self, message: str, file: object = None) -> None:
        return None


def language(body: object) -> str:
    """The language the request asks its refusals in (Bahasa Indonesia by default)."""
    lang = body.get("lang") if isinstance(body, dict) else None
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def run_command(db: Database, token: OpsToken, body: object, now: dt.datetime) -> dict[str, object]:
    """Check the request, audit the hand-over (the token's label), run the command and
    return {exit, stdout, stderr, files}; BadCommand when it is not one to run."""
    from dumas.__main__ import build_parser
    from dumas.__main__ import run as run_command

    lang = language(body)
    argv, files, cwd = _checked(body, lang)
    if argv[0] not in COMMANDS:
        raise BadCommand(i18n.t("cli.handover.not_allowed", lang, command=argv[0],
                                allowed=", ".join(COMMANDS)))  # fmt: skip
    args = build_parser(_Parser).parse_args(argv)  # the first word is the command
    if not _same_file(Path(args.db or ""), db.path):
        raise BadCommand(i18n.t("cli.handover.other_database", lang, path=args.db), 409)
    ops_tokens.record_use(db, token, argv, now)
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err, serving=db, inputs=files, cwd=cwd)
    code = run_command(args, console)
    written = {name: base64.b64encode(data).decode("ascii") for name, data in
               console.outputs.items()}  # fmt: skip
    return {"exit": code, "stdout": out.getvalue(), "stderr": err.getvalue(), "files": written}


def _checked(body: object, lang: str) -> tuple[list[str], dict[str, bytes], Path]:
    """argv (a list of strings naming a command), the files (name: base64) and the
    command line's folder (absolute), or BadCommand."""
    bad = BadCommand(i18n.t("cli.handover.bad_request", lang))
    if not isinstance(body, dict):
        raise bad
    argv, files, cwd = body.get("argv"), body.get("files", {}), body.get("cwd")
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise bad
    if not (isinstance(cwd, str) and os.path.isabs(cwd)) or not isinstance(files, dict):
        raise bad
    try:
        decoded = {str(name): base64.b64decode(data, validate=True)
                   for name, data in files.items()}  # fmt: skip
    except (binascii.Error, TypeError, ValueError) as exc:
        raise bad from exc
    return argv, decoded, Path(cwd)


def _same_file(asked: Path, serving: Path) -> bool:
    """Whether the command line's database is the one this app serves."""
    try:
        return asked.samefile(serving)
    except OSError:
        return False
