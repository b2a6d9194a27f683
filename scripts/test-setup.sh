#!/usr/bin/env bash
# Everything `npm test` needs besides node_modules, set up before any test runs: Debian's
# Chromium (browser tests), Debian's python3-torch (real training loops; fixtures' ground truth)
# and a running PostgreSQL (the API suite runs on both databases). Installs what is missing,
# starts what is stopped, one line each; when it cannot, it names the missing piece and stops,
# so nobody reads a wall of failing tests to learn that a package is absent.
# `npm run test:unit` needs none of this.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "test setup: $*"; }
fail() {
  echo "test setup: $*" >&2
  echo "test setup: (npm run test:unit runs the pure suite, which needs none of this)" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else return 1
  fi
}

# The same overrides the tests read (test/e2e/browser.ts, test/python/python.ts).
chromium="${LRSCOPE_CHROMIUM:-/usr/bin/chromium}"
python="${LRSCOPE_TEST_PYTHON:-/usr/bin/python3}"

# Debian package names for what is missing, each with why it is needed.
missing=()
[ -x "$chromium" ] || { missing+=(chromium); say "Chromium is missing: the browser tests drive Debian's chromium headless ($chromium)"; }
"$python" -c 'import torch' >/dev/null 2>&1 || { missing+=(python3-torch); say "PyTorch is missing: the Python tests train real models with Debian's python3-torch ($python)"; }

if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || fail "cannot install ${missing[*]}: this is not a Debian/Ubuntu machine (no apt-get); install them by hand"
  say "installing ${missing[*]} from Debian (a few minutes, once)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
    fail "cannot install ${missing[*]}: installing needs root (run: sudo apt-get install -y ${missing[*]})"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null ||
    fail "apt-get could not install ${missing[*]} (run: sudo apt-get install -y ${missing[*]} to see why)"
fi

# The tests use the PostgreSQL at 127.0.0.1:5432 (database test, trust auth), or LRSCOPE_TEST_PG.
pg_url="${LRSCOPE_TEST_PG:-postgresql://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -d "$pg_url" 2>/dev/null; then
  if [ -z "${LRSCOPE_TEST_PG:-}" ] && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "PostgreSQL is stopped: starting the local cluster (the API suite runs on SQLite and PostgreSQL)"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start ||
      fail "could not start PostgreSQL (run: sudo pg_ctlcluster $(ls /etc/postgresql | head -n1) main start)"
    for _ in $(seq 30); do pg_isready -q -d "$pg_url" && break; sleep 1; done
  fi
  pg_isready -q -d "$pg_url" ||
    fail "no PostgreSQL answers at $pg_url: start one with trust auth for user postgres and a database test, or set LRSCOPE_TEST_PG to one that does"
fi

# Ground truth comes from the real library on every run, not from a checked-in copy alone.
torch_version=$("$python" -c 'import torch; print(torch.__version__)')
for script in test/fixtures/*/generate.py; do
  [ -e "$script" ] || continue
  say "regenerating $(dirname "$script") with torch $torch_version"
  PYTHONWARNINGS=ignore "$python" "$script" >/dev/null
done
