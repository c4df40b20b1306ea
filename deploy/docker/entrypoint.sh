#!/bin/sh
# Entrypoint of the Switchboard image: runs one service, named by the first argument or by SERVICE.
set -eu

service="${1:-${SERVICE:-}}"
cd /app
if [ -z "$service" ]; then
  echo "switchboard image: name the service to run, as the argument or in SERVICE; one of: $(ls services | tr '\n' ' ')" >&2
  exit 2
fi
# Only a folder name under services/: no path may reach another file.
case "$service" in
  */* | .*) echo "switchboard image: '$service' is not a service name" >&2; exit 2 ;;
esac
if [ ! -f "services/$service/src/main.ts" ]; then
  echo "switchboard image: no service '$service'; one of: $(ls services | tr '\n' ' ')" >&2
  exit 2
fi
# exec: node becomes PID 1 and receives SIGTERM itself; the service drains and exits within
# SHUTDOWN_TIMEOUT_MS (its own handler, so no init process is needed to forward signals).
exec node "services/$service/src/main.ts"
