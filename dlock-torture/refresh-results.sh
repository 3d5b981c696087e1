#!/usr/bin/env bash
# Regenerates the results tables of docs/torture.md in one command: builds the dlock command and
# dlock-torture.jar (which `dlock torture` runs), runs each documented series of `dlock torture`,
# and writes its table, headed by the exact command, seed, commit, versions, machine and load,
# between its markers in docs/torture.md
# (<!-- torture-results:NAME --> ... <!-- /torture-results:NAME -->). Commit the result.
#
#   dlock-torture/refresh-results.sh            # about 45 minutes on two cores
#   TORTURE_DURATION=15s dlock-torture/refresh-results.sh   # shorter runs, e.g. on a busy machine
#
# Each series' log (one summary per run) goes to dlock-torture/target/torture-NAME.log.
# Run it as root to include the partition tier (else those rows say SKIPPED). Exits 1 when a run
# broke a promise or a control was not flagged (the tables are written anyway), 2 if it could not
# run at all.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${TORTURE_DURATION:-30s}
doc=docs/torture.md

./mvnw -B -q package -DskipTests || exit 2
mkdir -p dlock-torture/target

commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- . ':!docs/torture.md' || commit="$commit plus uncommitted changes"
if [ -n "${REDIS_SERVER:-}" ]; then redis=$("$REDIS_SERVER" --version);
elif command -v redis-server >/dev/null 2>&1; then redis=$(redis-server --version);
else redis="the bundled redis-server 6.2"; fi
redis=$(echo "$redis" | sed -n 's/^Redis server v=\([^ ]*\).*/Redis \1/p;t;p')
zookeeper=$(sed -n 's:.*<zookeeper.version>\(.*\)</zookeeper.version>.*:ZooKeeper \1:p' pom.xml)
if [ "$(id -u)" -eq 0 ]; then user="as root"; else user="not as root (partition tier skipped)"; fi
status=0
table=$(mktemp)
trap 'rm -f "$table" "$table.md" "$doc.new"' EXIT

# run NAME ARGS...: one series, its table spliced into $doc between the NAME markers.
run() {
  local name=$1; shift
  grep -qxF "<!-- torture-results:$name -->" "$doc" || { echo "no marker $name in $doc" >&2; exit 2; }
  local log=dlock-torture/target/torture-$name.log start rc=0
  start=$(date +%s)
  local load; load=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "dlock torture $* (log: $log)" >&2
  ./dlock torture "$@" --output "$table" >/dev/null 2>"$log" || rc=$?
  [ "$rc" -le 1 ] && [ -s "$table" ] || { echo "dlock torture failed (exit $rc); see $log" >&2; exit 2; }
  [ "$rc" -eq 0 ] || status=1
  local minutes=$(( ($(date +%s) - start + 59) / 60 ))
  {
    echo "\`./dlock torture $*\` at commit $commit ($(date -u +%Y-%m-%d), $redis, $zookeeper,"
    echo "$(nproc) cores, load average $load at the start, $user): exit $rc, $minutes minutes."
    echo
    cat "$table"
  } > "$table.md"
  awk -v begin="<!-- torture-results:$name -->" -v end="<!-- /torture-results:$name -->" -v content="$table.md" '
    $0 == begin { print; while ((getline line < content) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }' "$doc" > "$doc.new"
  mv "$doc.new" "$doc"
  grep -h '^SKIPPED' "$log" | sort -u >&2 || true
}

run long --duration "$duration" --runs 1 --seed 1
run holds --fault SERVER_CRASH,ROLLING_RESTART --no-controls --hold-max 500ms --duration "$duration" --runs 1 --seed 1
exit $status
