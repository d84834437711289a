#!/usr/bin/env bash
# Upgrade the installed Dumas Monitor to the version this script belongs to (README
# "Running it as a service"): stop, back up, install (which migrates), start, and wait for
# GET /ops/health to answer {"status": "ok"} with the new schema.
#
# The backup is taken once the service has stopped, so it holds every write made before
# the upgrade and none after; if anything fails the service stays stopped and the script
# prints the backup to go back to.
set -euo pipefail

usage() {
	cat <<'USAGE'
Usage: deploy/upgrade.sh [--python PATH]

Run as root from the new version's folder (a git checkout or a release folder).
  --python PATH  passed on to deploy/install.sh (run the app with this Python)
USAGE
}

install_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--python) install_args+=(--python "${2:?--python needs a path}"); shift 2 ;;
	--python=*) install_args+=(--python "${1#*=}"); shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "upgrade.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done

log() { printf 'upgrade.sh: %s\n' "$*"; }
die() { printf 'upgrade.sh: %s\n' "$*" >&2; exit 1; }

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ENV_FILE=/etc/dumas/dumas.env
CLI=/usr/local/bin/dumas

[ "$(id -u)" = 0 ] || die "run it as root"
command -v systemctl >/dev/null || die "no systemctl: this upgrades the systemd service"
if [ ! -r "$ENV_FILE" ] || [ ! -x "$CLI" ]; then
	die "no installation found ($ENV_FILE, $CLI): run deploy/install.sh"
fi
PORT=$(sed -n 's/^[[:space:]]*DUMAS_PORT=//p' "$ENV_FILE" | tail -n 1)
PORT=${PORT:-8501}

step="stop"
backup=""
on_failure() {
	local state="is left stopped"
	[ "$step" = "health check" ] && state="was started but does not answer ok: stop it"
	cat >&2 <<FAILED
upgrade.sh: the upgrade failed at: $step. dumas.service $state.
  Its log: journalctl -u dumas -n 50; the app's log: DUMAS_LOG_FILE in $ENV_FILE.
  To go back to the version before (README "Running it as a service", "Going back"):
  restore ${backup:-the latest backup in DUMAS_BACKUP_DIR} with that version's code.
FAILED
}
trap on_failure ERR

log "1/5 stopping dumas.service"
systemctl stop dumas.service

step="backup"
log "2/5 backing up the database"
output=$("$CLI" backup)
printf '%s\n' "$output"
backup=$(printf '%s\n' "$output" | grep -o '/[^ ]*\.duckdb' | head -n 1 || true)

step="install (and migrate)"
log "3/5 installing $SRC"
"$SRC/deploy/install.sh" "${install_args[@]}"

step="start"
log "4/5 starting dumas.service"
systemctl start dumas.service

step="health check"
log "5/5 waiting for http://127.0.0.1:$PORT/ops/health"
PYTHON=$(sed -n 's/^PYTHON=//p' "$CLI")
"$PYTHON" - "$PORT" <<'CHECK'
import json, sys, time, urllib.error, urllib.request

url = f"http://127.0.0.1:{sys.argv[1]}/ops/health"
deadline, last = time.monotonic() + 90, "no answer"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=3) as reply:
            body = json.loads(reply.read())
    except urllib.error.HTTPError as refused:  # 503: the database does not answer
        body = json.loads(refused.read())
    except OSError as error:  # not listening yet
        body = {"status": str(error)}
    if body.get("status") == "ok":
        print(json.dumps(body))
        sys.exit(0)
    last = json.dumps(body)
    time.sleep(1)
sys.exit(f"the health check did not answer ok within 90 s; last: {last}")
CHECK
trap - ERR
log "done: the new version serves; the backup taken before it: ${backup:-see above}"
