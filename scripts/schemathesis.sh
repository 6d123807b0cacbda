#!/usr/bin/env bash
# Property-based API tests (issue 13): schemathesis from PyPI against the served OpenAPI document,
# once as a customer and once as an admin, on the embedded profile with a fresh data dir, on a free
# loopback port. Checks and exceptions live in schemathesis.toml.
#
#   scripts/schemathesis.sh            # needs a built server (npm run build:server)
#
# Prints "schemathesis as <role>: <operations> operations, <generated> test cases, <failures> failures"
# per role and, last, "<passed> passed, <failed> failed" counted in JUnit testcases (one per operation
# and role), for .ci/run's totals. Exit 0 only with zero failures.
set -uo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=${BOOKSTORE_SCHEMATHESIS_VENV:-$HOME/.cache/bookstore-schemathesis/$SCHEMATHESIS_VERSION}
OUT=${BOOKSTORE_SCHEMATHESIS_OUT:-test-output/schemathesis}
MAX_EXAMPLES=${BOOKSTORE_SCHEMATHESIS_MAX_EXAMPLES:-15}

fail() {
  echo "schemathesis: $*" >&2
  echo "0 passed, 1 failed"
  exit 1
}

if [[ ! -x $VENV/bin/schemathesis ]]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  python3 -m venv "$VENV" || fail "python3 -m venv failed: install python3-venv"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION" || fail "pip install schemathesis failed"
fi
[[ -f dist/cli/main.js ]] || npm run build:server || fail "the server does not build"

DATA=$(mktemp -d -t bookstore-schemathesis-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
BASE=http://127.0.0.1:$PORT
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

export BOOKSTORE_DATA_DIR=$DATA BOOKSTORE_PROFILE=embedded BOOKSTORE_LOG_LEVEL=warn
# A cheaper password hash than production's, for the hundreds of generated sign-ups; high sign-in
# and sign-up limits, so generated requests test the routes rather than the limiter (429 is allowed anyway).
export BOOKSTORE_SCRYPT_COST=16384 BOOKSTORE_LOGIN_RATE_LIMIT=1000 BOOKSTORE_LOGIN_ADDRESS_RATE_LIMIT=100000 BOOKSTORE_SIGNUP_RATE_LIMIT=100000
mkdir -p "$OUT"
HOST=127.0.0.1 PORT=$PORT node bin/bookstore.js serve >"$OUT/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server did not start: see $OUT/server.log"
  sleep 0.2
done

json() { python3 -c 'import json,sys; print(json.load(sys.stdin)'"$1"')'; }
login() {
  curl -fsS -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$2\"}" "$BASE/api/v1/auth/login" | json '["accessToken"]'
}

CUSTOMER_PASSWORD=customer-password-$RANDOM$RANDOM
curl -fsS -H 'content-type: application/json' -d "{\"email\":\"customer@example.com\",\"password\":\"$CUSTOMER_PASSWORD\",\"name\":\"Customer\"}" \
  "$BASE/api/v1/auth/signup" >/dev/null || fail "signing up the customer failed"
CUSTOMER_TOKEN=$(login customer@example.com "$CUSTOMER_PASSWORD") || fail "signing in the customer failed"
ADMIN_PASSWORD=$(node bin/bookstore.js admin create admin@example.com | sed -n 's/.*shown only this once: //p')
[[ -n $ADMIN_PASSWORD ]] || fail "bookstore admin create printed no password"
ADMIN_TOKEN=$(login admin@example.com "$ADMIN_PASSWORD") || fail "signing in the admin failed"

# A few books, so reads find something and a cart can be checked out.
for isbn in 9780441172719 9780141439518 9780199535675; do
  curl -fsS -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
    -d "{\"isbn\":\"$isbn\",\"title\":\"Book $isbn\",\"authors\":[\"An Author\"],\"category\":\"Fiction\",\"price\":1299,\"currency\":\"USD\",\"rating\":4,\"year\":1999}" \
    "$BASE/api/v1/books" >/dev/null || fail "adding a book failed"
done

# A guest cart for the guest cart operations (schemathesis.toml sends its token on those paths only;
# the merge operation never gets it, or its first success would leave the others a spent token).
BOOKSTORE_SCHEMATHESIS_GUEST_CART=$(curl -fsS -X POST "$BASE/api/v1/guest-cart" | json '["token"]') || fail "creating a guest cart failed"
export BOOKSTORE_SCHEMATHESIS_GUEST_CART

total_cases=0
total_failures=0
for role in customer admin; do
  token=CUSTOMER_TOKEN
  [[ $role == admin ]] && token=ADMIN_TOKEN
  echo "== schemathesis as $role"
  "$VENV/bin/schemathesis" run "$BASE/api/v1/openapi.json" \
    --header "Authorization: Bearer ${!token}" \
    --checks all \
    --max-examples "$MAX_EXAMPLES" \
    --workers 1 \
    --seed 13 \
    --report junit --report-junit-path "$OUT/$role.xml" | tee "$OUT/$role.log"
  [[ -f $OUT/$role.xml ]] || fail "no JUnit report for the $role run"
  read -r operations cases failures < <(python3 - "$OUT/$role.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall('.//testcase')
failed = [c for c in cases if c.find('failure') is not None or c.find('error') is not None]
print(len({c.get('name') for c in cases}), len(cases), len(failed))
PY
)
  generated=$(sed -n 's/^ *\([0-9][0-9]*\) generated.*/\1/p' "$OUT/$role.log" | tail -1)
  tested=$(sed -n 's/^ *Tested: \([0-9][0-9]*\).*/\1/p' "$OUT/$role.log" | tail -1)
  echo "schemathesis as $role: ${tested:-$operations} operations, ${generated:-0} test cases, $failures failures"
  total_cases=$((total_cases + cases))
  total_failures=$((total_failures + failures))
done

echo "$((total_cases - total_failures)) passed, $total_failures failed"
((total_failures == 0))
