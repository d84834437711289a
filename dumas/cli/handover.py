"""The command line's side of the hand-over: when the running app holds the database, send
the command to it (POST /ops/command with an Administrator's token) and print what it
printed, write the files it wrote at the user's paths, and end with its exit status
(docs/decisions/0012-cli-hands-over-to-the-app.md; the app's side is dumas/cli/remote.py).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from dumas import config, i18n
from dumas.cli.console import Console

COMMANDS = ("import", "report", "summary", "backup", "digest")  # the others open the file
TIMEOUT = 3600  # seconds without a byte from the app: a large import or report takes minutes
ENDPOINT = "/ops/command"


class _Refused(Exception):
    """The hand-over did not happen: one line to print, and the exit status."""

    def __init__(self, line: str, status: int = 3) -> None:
        super().__init__(line)
        self.line, self.status = line, status


def hand_over(args: argparse.Namespace, path: str, console: Console) -> int:
    """Run the command in the app that holds the database at `path`; status 3 with one line
    when it cannot be handed over (no token, the app unreachable or refusing)."""
    lang = args.lang
    if args.command not in COMMANDS:
        console.error(i18n.t("cli.busy", lang, path=path))
        return 3
    try:
        token = _token(args)
        if token is None:
            raise _Refused(i18n.t("cli.busy_no_token", lang, path=path))
        reply = _post(config.app_url(), token, request(args), lang)
    except _Refused as refused:
        console.error(refused.line)
        return refused.status
    for name, data in reply["files"].items():
        Path(name).write_bytes(base64.b64decode(data))  # at the user's path, as a direct run
    console.error(reply["stderr"], end="", flush=True)
    console.print(reply["stdout"], end="", flush=True)
    return int(reply["exit"])


def _token(args: argparse.Namespace) -> str | None:
    """--token-file, else DUMAS_OPS_TOKEN, else the file DUMAS_OPS_TOKEN_FILE names."""
    named = Path(args.token_file) if args.token_file else None
    if named is None and (token := config.ops_token()):
        return token
    named = named or config.ops_token_file()
    if named is None:
        return None
    try:
        return named.read_text(encoding="utf-8").strip() or None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise _Refused(i18n.t("cli.handover.token_file", args.lang, path=named,
                              reason=reason)) from exc  # fmt: skip


def request(args: argparse.Namespace) -> dict[str, object]:
    """The command as the app runs it: the arguments spelled out (the database and the
    backup folder resolved here, as a direct run would), the input file's bytes, and this
    folder, against which the app resolves the paths the user named."""
    database = str(config.db_path(args.db).resolve())
    argv = [args.command, f"--db={database}", f"--lang={args.lang}", *_options(args)]
    files: dict[str, str] = {}
    if args.command == "import":
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:  # it was readable a moment ago (a direct run reads it first)
            raise _Refused(i18n.t("import.error.cannot_open", args.lang, file=args.file,
                                  reason=exc.strerror), status=2) from exc  # fmt: skip
        files[args.file] = base64.b64encode(data).decode("ascii")
    return {"argv": argv, "lang": args.lang, "cwd": os.getcwd(), "files": files}


def _options(args: argparse.Namespace) -> list[str]:
    """The command's own options (`--name=value`, so no value reads as an option)."""
    if args.command == "summary":
        return ["--json"] if args.json else []
    if args.command == "digest":
        return []
    if args.command == "backup":
        return [f"--to={config.backup_dir(args.to)}"]
    if args.command == "report":
        given = {"period": args.period, "xlsx": args.xlsx, "docx": args.docx}
        named = [f"--{name}={value}" for name, value in given.items() if value is not None]
        return [*named, *(["--final"] if args.final else [])]
    flags = [
        f"--{f.replace('_', '-')}"
        for f in ("dry_run", "skip_invalid", "all_sheets")
        if getattr(args, f)
    ]
    given = {"sheet": args.sheet, "rejects": args.rejects}
    named = [f"--{name}={value}" for name, value in given.items() if value is not None]
    return [*named, *flags, "--", args.file]


def _post(base: str, token: str, body: dict[str, object], lang: str) -> dict:
    """POST the command; the app's reply, or _Refused with one line saying why not."""
    if not base.startswith(("http://", "https://")):  # no file: or other scheme
        scheme = "DUMAS_APP_URL: http:// or https://"
        raise _Refused(i18n.t("cli.handover.unreachable", lang, url=base, reason=scheme))
    sent = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        base + ENDPOINT,
        data=json.dumps(body).encode("utf-8"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with direct.open(sent, timeout=TIMEOUT) as answer:
            reply = json.loads(answer.read())
        if not {"exit", "stdout", "stderr", "files"} <= set(reply):
            raise ValueError("not the app's answer")
    except urllib.error.HTTPError as refused:
        raise _Refused(*_refusal(refused, base, lang)) from refused
    except (OSError, ValueError) as exc:  # URLError is an OSError
        reason = getattr(exc, "reason", None) or exc
        raise _Refused(i18n.t("cli.handover.unreachable", lang, url=base,
                              reason=reason)) from exc  # fmt: skip
    return reply


def _refusal(refused: urllib.error.HTTPError, base: str, lang: str) -> tuple[str, int]:
    """The line for the app's refusal, and the exit status (1 when the command failed in the
    app, as a direct run that fails; 3 when it was not run)."""
    if refused.code == 401:
        return i18n.t("cli.handover.token_refused", lang, url=base), 3
    if refused.code == 403:
        return i18n.t("cli.handover.not_local", lang, url=base), 3
    try:
        said = str(json.loads(refused.read())["error"])
    except (ValueError, KeyError, TypeError, OSError):
        return i18n.t("cli.handover.unreachable", lang, url=base, reason=refused), 3
    return said, 1 if refused.code >= 500 else 3
