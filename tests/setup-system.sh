#!/usr/bin/env bash
# Installs and starts what the tests need beyond the .NET SDK, idempotently and quickly when already done:
# Debian's Chromium (the browser test) and a PostgreSQL server on localhost (the pipeline's second backend).
# Called by .ci/run and, once per test run, by the tests themselves (tests/Infrastructure/SystemSetup.cs),
# so `dotnet test tests` works on a fresh machine too.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pg_lsclusters >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-system: installing ${missing[*]} from Debian"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PostgreSQL: the first cluster on port 5432, started, with a password and a test database.
if ! pg_lsclusters -h | awk '$3==5432' | grep -q .; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
  $SUDO pg_createcluster "$ver" main --port 5432 >/dev/null
fi
read -r ver name _ status _ < <(pg_lsclusters -h | awk '$3==5432')
if [ "$status" != "online" ]; then
  $SUDO pg_ctlcluster "$ver" "$name" start
fi
for _ in $(seq 1 50); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.2
done
pw="${WORKBOOK_PG_PASSWORD:-workbook}"
$SUDO su postgres -c "psql -qAtc \"ALTER USER postgres PASSWORD '$pw'\"" >/dev/null
if ! $SUDO su postgres -c "psql -qAtc \"SELECT 1 FROM pg_database WHERE datname='workbook_test'\"" | grep -q 1; then
  $SUDO su postgres -c "createdb workbook_test"
fi
echo "setup-system: chromium $( /usr/bin/chromium --version 2>/dev/null | awk '{print $2}' ), postgresql $ver on 127.0.0.1:5432 ready"
