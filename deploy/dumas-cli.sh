#!/usr/bin/env bash
# `dumas COMMAND ...`: python -m dumas as the service runs it: the installed app, the
# settings of /etc/dumas/dumas.env, and (when started as root) the user dumas, so the files
# it writes belong to the service. deploy/install.sh installs it as /usr/local/bin/dumas
# with PYTHON filled in. Examples: sudo dumas backup; sudo dumas summary;
# sudo dumas restore /var/backups/dumas/dumas-20261203-223000.duckdb --db /var/lib/dumas/pulih.duckdb
# DUMAS_ENV_FILE, DUMAS_APP and DUMAS_USER name another env file, app folder or user.
set -euo pipefail
PYTHON=/opt/dumas/.venv/bin/python
APP=${DUMAS_APP:-/opt/dumas}
ENV_FILE=${DUMAS_ENV_FILE:-/etc/dumas/dumas.env}
SERVICE_USER=${DUMAS_USER:-dumas}

[ -r "$ENV_FILE" ] || { echo "dumas: cannot read $ENV_FILE (run it with sudo)" >&2; exit 1; }
# The env file in systemd's format: NAME=value lines, # comments; quotes around a value go.
while IFS= read -r line || [ -n "$line" ]; do
	line=${line#"${line%%[![:space:]]*}"}
	case $line in '' | '#'* | ';'*) continue ;; esac
	name=${line%%=*}
	value=${line#*=}
	[[ $name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
	value=${value#\"}
	value=${value%\"}
	export "$name=$value"
done <"$ENV_FILE"

# The installed app is imported (PYTHONPATH, -P: not a dumas/ folder where it is run from);
# relative paths in the arguments are taken from where it is run.
export PYTHONPATH=$APP
if [ "$(id -u)" = 0 ] && [ "$SERVICE_USER" != root ]; then
	exec runuser -u "$SERVICE_USER" -- "$PYTHON" -P -m dumas "$@"
fi
exec "$PYTHON" -P -m dumas "$@"
