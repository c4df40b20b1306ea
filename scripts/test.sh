#!/usr/bin/env bash
# Every check and test of the workspace, in the order a failure is cheapest to explain.
# Run it through ./switchboard test, which installs Node, pnpm, the packages and kcat/chromium first.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "generated code is what the schemas produce (Prisma client, protobuf types)"
pnpm --silent --filter @switchboard/event-store generate >/dev/null
git diff --exit-code --stat -- libs/event-store/src/generated \
  || { echo "the committed Prisma client is stale: run 'pnpm --filter @switchboard/event-store generate' and commit"; exit 1; }

say "event schemas: buf lint, format and breaking-change check"
pnpm --silent --filter @switchboard/contracts check

say "typecheck (tsc, strict)"
pnpm --silent exec turbo run typecheck --output-logs=errors-only
pnpm --silent exec tsc -p tsconfig.json   # the cross-service tests under test/

say "tests (unit, integration against embedded Postgres and the mock Kafka, end to end)"
results="$(mktemp -d)/vitest.json"
status=0
pnpm --silent exec vitest run --reporter=default --reporter=json --outputFile.json="$results" "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' "$results" || true
exit "$status"
