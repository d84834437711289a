#!/usr/bin/env bash
# Install Dumas Monitor as a systemd service (README "Running it as a service"):
#   the app's tracked files in /opt/dumas (read-only to the service, bytecode compiled),
#   its venv /opt/dumas/.venv from requirements.txt (or the Python given with --python),
#   /etc/systemd/system/dumas.service, /etc/dumas/dumas.env (only if absent: an operator's
#   settings are never overwritten), the command /usr/local/bin/dumas, the user dumas, the
#   data, backup and log folders, and the migration (python -m dumas init).
# Running it again installs this version over the last one (files the last one installed
# and this one does not are removed) and migrates; deploy/upgrade.sh wraps it with a
# backup, the stop and the start.
set -euo pipefail
umask 022

usage() {
	cat <<'USAGE'
Usage: deploy/install.sh [--root DIR] [--python PATH]

  --root DIR     install under DIR instead of / (an image being built, a test): no user
                 is created, nothing is chowned and systemctl is not called; the next
                 steps are printed instead. Paths written into the unit and the env file
                 are the paths as the service will see them (without DIR).
  --python PATH  run the app with this Python (absolute path), which already has
                 requirements.txt installed (an offline install, the tests), instead of
                 making the venv /opt/dumas/.venv with pip
Environment: PYTHON3, the Python 3.11+ the venv is made from (default: python3).
USAGE
}

ROOT=/
PYTHON=""
while [ $# -gt 0 ]; do
	case "$1" in
	--root) ROOT=${2:?--root needs a folder}; shift 2 ;;
	--root=*) ROOT=${1#*=}; shift ;;
	--python) PYTHON=${2:?--python needs a path}; shift 2 ;;
	--python=*) PYTHON=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "install.sh: unknown argument: $1" >&2; usage >&2; exit 2 ;;
	esac
done

log() { printf 'install.sh: %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROOT=$(realpath -m "$ROOT")
R=${ROOT%/} # prefix of every path written: "" when installing on this machine
LIVE=false
[ -z "$R" ] && LIVE=true

APP=/opt/dumas
UNIT=/etc/systemd/system/dumas.service
ENV_FILE=/etc/dumas/dumas.env
CLI=/usr/local/bin/dumas
SERVICE_USER=dumas
DEST=$R$APP

systemd_running() { [ -d /run/systemd/system ] && command -v systemctl >/dev/null; }

if $LIVE; then
	[ "$(id -u)" = 0 ] || die "run it as root (or with --root DIR to install under DIR)"
	if systemd_running && systemctl is-active --quiet dumas.service; then
		die "dumas.service is running: stop it first (deploy/upgrade.sh: backup, stop, install, start)"
	fi
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# --- 1. The app: the tracked files (git ls-files), or every file of a release folder ---
if [ -e "$SRC/.git" ]; then
	git -C "$SRC" ls-files -z >"$WORK/listed" || die "git ls-files failed in $SRC"
	how="the files git tracks"
else
	(cd "$SRC" && find . -type f \
		! -path './.git/*' ! -path './.venv/*' ! -path '*/__pycache__/*' ! -name '*.pyc' \
		! -path './.*_cache/*' ! -path './data/*.duckdb*' ! -path './data/backups/*' \
		! -path './data/logs/*' ! -path './.streamlit/secrets.toml' -printf '%P\0') >"$WORK/listed"
	how="every file of $SRC (not a git checkout)"
fi
: >"$WORK/files"
while IFS= read -r -d '' file; do # a tracked file deleted in the work tree is left out
	[ -f "$SRC/$file" ] && printf '%s\n' "$file" >>"$WORK/files"
done <"$WORK/listed"
grep -qx 'server.py' "$WORK/files" || die "$SRC holds no server.py: not the app's folder"

mkdir -p "$DEST"
tr '\n' '\0' <"$WORK/files" | tar -C "$SRC" --null --no-recursion -T - -cf - |
	tar -C "$DEST" --no-same-owner --no-same-permissions -xf -
log "copied $(wc -l <"$WORK/files") files ($how) to $DEST"

# Files the last installation put here that this version no longer has (a page removed,
# a module renamed) would otherwise linger: remove them, with their bytecode.
if [ -f "$DEST/.installed-files" ]; then
	sort "$WORK/files" >"$WORK/new"
	sort "$DEST/.installed-files" >"$WORK/old"
	comm -23 "$WORK/old" "$WORK/new" | while IFS= read -r gone; do
		rm -f "${DEST:?}/$gone"
		case $gone in
		*.py)
			base=$(basename "$gone" .py)
			rm -f "$DEST/$(dirname "$gone")/__pycache__/$base".*.pyc
			;;
		esac
		log "removed $gone (not in this version)"
	done
	find "$DEST" -mindepth 1 -type d -empty ! -path "$DEST/.venv*" -delete
fi
rm -f "$DEST/.installed-version"
if [ -e "$SRC/.git" ]; then
	git -C "$SRC" log -1 --format='%H %cd' --date=iso >"$DEST/.installed-version" 2>/dev/null || true
fi

# --- 2. Python ---
if [ -n "$PYTHON" ]; then
	case $PYTHON in /*) ;; *) die "--python needs an absolute path, not $PYTHON" ;; esac
	RUN_PY=$PYTHON  # as the service will run it
	HERE_PY=$PYTHON # as this script runs it
	"$HERE_PY" -c 'import duckdb, streamlit' 2>/dev/null ||
		die "$PYTHON cannot import duckdb and streamlit: install requirements.txt into it, or leave out --python"
else
	RUN_PY=$APP/.venv/bin/python
	HERE_PY=$R$RUN_PY
	if [ ! -x "$HERE_PY" ]; then
		"${PYTHON3:-python3}" -m venv "$DEST/.venv" || die "cannot make the venv with ${PYTHON3:-python3}"
		log "made the venv $DEST/.venv"
	fi
	if ! cmp -s "$SRC/requirements.txt" "$DEST/.venv/.installed-requirements"; then
		"$HERE_PY" -m pip install --quiet --disable-pip-version-check -r "$SRC/requirements.txt"
		cp "$SRC/requirements.txt" "$DEST/.venv/.installed-requirements"
		log "installed requirements.txt into $DEST/.venv"
	fi
fi
"$HERE_PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
	die "$HERE_PY is older than Python 3.11"
# The service cannot write under /opt/dumas: compile the bytecode now, once.
"$HERE_PY" -m compileall -q -j 0 -x '/(\.venv|tests)/' "$DEST" >/dev/null ||
	die "compiling the app's bytecode failed"

# --- 3. The env file, only if absent ---
ENV_HERE=$R$ENV_FILE
mkdir -p "$(dirname "$ENV_HERE")"
if [ -e "$ENV_HERE" ]; then
	log "kept $ENV_HERE as it is (settings are never overwritten)"
	NEW_ENV=false
else
	install -m 0640 "$SRC/deploy/dumas.env.example" "$ENV_HERE"
	log "wrote $ENV_HERE from deploy/dumas.env.example"
	NEW_ENV=true
fi

setting() { # NAME DEFAULT: the last NAME=value of the env file, else DEFAULT
	local value
	value=$(sed -n "s/^[[:space:]]*$1=//p" "$ENV_HERE" | tail -n 1)
	value=${value#\"}
	value=${value%\"}
	printf '%s\n' "${value:-$2}"
}
DB=$(setting DUMAS_DB "")
[ -n "$DB" ] || die "DUMAS_DB is not set in $ENV_FILE: the database would go under $APP, which the service cannot write"
DATA_DIR=$(dirname "$DB")
BACKUP_DIR=$(setting DUMAS_BACKUP_DIR "$DATA_DIR/backups")
LOG_FILE=$(setting DUMAS_LOG_FILE "$DATA_DIR/logs/dumas.log")
LOG_DIR=$(dirname "$LOG_FILE")
# The scheduled jobs' folders (README "Scheduled jobs"): beside the database unless set.
IMPORT_DIR=$(setting DUMAS_IMPORT_DROP "$DATA_DIR/import")
REPORT_DIR=$(setting DUMAS_REPORT_DIR "$DATA_DIR/reports")
# The attached files (README "Attached files"): beside the database unless set.
FILES_DIR=$(setting DUMAS_FILES_DIR "$DATA_DIR/files")
case $IMPORT_DIR in 0 | false | no | off) IMPORT_DIR="$DATA_DIR" ;; esac
for path in "$DB" "$BACKUP_DIR" "$LOG_FILE" "$IMPORT_DIR" "$REPORT_DIR" "$FILES_DIR" "$RUN_PY"; do
	case $path in
	*[[:space:]\|\&\\]*) die "a path with a space, |, & or \\ cannot go into the unit: $path" ;;
	/*) ;;
	*) die "not an absolute path (set in $ENV_FILE): $path" ;;
	esac
done

# --- 4. The user and the folders it writes ---
if $LIVE && ! getent passwd "$SERVICE_USER" >/dev/null; then
	useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
		--shell /usr/sbin/nologin "$SERVICE_USER"
	log "created the system user $SERVICE_USER"
fi
if $LIVE && $NEW_ENV; then
	chown "root:$SERVICE_USER" "$ENV_HERE"
fi
WRITABLE=""
for dir in "$DATA_DIR" "$BACKUP_DIR" "$LOG_DIR" "$IMPORT_DIR" "$REPORT_DIR" "$FILES_DIR"; do
	case " $WRITABLE " in *" $dir "*) continue ;; esac
	case $dir in "$DATA_DIR"/*) continue ;; esac # the app makes its own folders in there
	WRITABLE="${WRITABLE:+$WRITABLE }$dir"
	if [ ! -d "$R$dir" ]; then # an existing folder keeps its owner and mode
		if $LIVE; then
			install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$dir"
		else
			install -d -m 0750 "$R$dir"
		fi
		log "made the folder $R$dir"
	fi
done

# --- 5. The unit and the command ---
mkdir -p "$(dirname "$R$UNIT")" "$(dirname "$R$CLI")"
sed -e "s|^ExecStart=$APP/.venv/bin/python |ExecStart=$RUN_PY |" \
	-e "s|^ReadWritePaths=.*|ReadWritePaths=$WRITABLE|" \
	"$SRC/deploy/dumas.service" >"$WORK/dumas.service"
grep -q "^ExecStart=$RUN_PY -m streamlit run server.py " "$WORK/dumas.service" ||
	die "deploy/dumas.service: its ExecStart is not the one this script fills in"
install -m 0644 "$WORK/dumas.service" "$R$UNIT"
sed -e "s|^PYTHON=.*|PYTHON=$RUN_PY|" "$SRC/deploy/dumas-cli.sh" >"$WORK/dumas"
install -m 0755 "$WORK/dumas" "$R$CLI"
log "wrote $R$UNIT and $R$CLI"

# --- 6. The migration, as the service's user on this machine ---
as_service=()
$LIVE && as_service=(runuser -u "$SERVICE_USER" --)
if ! (cd "$DEST" && "${as_service[@]}" env DUMAS_DB="$R$DB" DUMAS_BACKUP_DIR="$R$BACKUP_DIR" \
	DUMAS_LOG_FILE="$R$LOG_FILE" "$HERE_PY" -m dumas init); then
	die "the migration (python -m dumas init) failed: see its message above"
fi

# Last: the list of what this version installed, for the next one to tidy up after.
cp "$WORK/files" "$DEST/.installed-files"

# --- 7. systemd, or what is left to do ---
PORT=$(setting DUMAS_PORT 8501)
if $LIVE && systemd_running; then
	systemctl daemon-reload
	systemctl enable --quiet dumas.service
	log "enabled dumas.service (not started)"
	cat <<NEXT
Next:
  1. Review $ENV_FILE (DUMAS_TRUSTED_PROXIES, DUMAS_BACKUP_DIR, ...).
  2. The reverse proxy: deploy/nginx-dumas.conf (README "Running it as a service").
  3. systemctl start dumas && curl -s http://127.0.0.1:$PORT/ops/health
NEXT
elif $LIVE; then
	cat <<NEXT
Installed. systemd does not run here; where it does:
  systemctl daemon-reload && systemctl enable --now dumas.service
  curl -s http://127.0.0.1:$PORT/ops/health
NEXT
else
	cat <<NEXT
Installed under $ROOT. Where it runs:
  useradd --system --user-group --home-dir $DATA_DIR --no-create-home --shell /usr/sbin/nologin $SERVICE_USER
  chown $SERVICE_USER:$SERVICE_USER $WRITABLE
  chown root:$SERVICE_USER $ENV_FILE && chmod 0640 $ENV_FILE
  systemctl daemon-reload && systemctl enable --now dumas.service
  curl -s http://127.0.0.1:$PORT/ops/health
NEXT
fi
