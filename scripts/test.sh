#!/usr/bin/env bash
# npm test: lint, typecheck, unit + integration tests (real SQLCipher, a real
# gnome-keyring on a private D-Bus session) and end-to-end tests (Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

# The system programs the tests drive, and the Debian packages that provide them.
declare -A provider=(
  [chromium]=chromium
  [gnome-keyring-daemon]=gnome-keyring
  [dbus-run-session]=dbus
  [secret-tool]=libsecret-tools
)
missing=()
for program in "${!provider[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${provider[$program]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
    echo "npm test: installing the Debian packages the tests need: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "npm test: missing system packages: ${missing[*]}" >&2
    echo "  Debian/Ubuntu: sudo apt-get install ${missing[*]}" >&2
    echo "  elsewhere: install Chromium, gnome-keyring (Secret Service), D-Bus and secret-tool" >&2
    exit 1
  fi
fi

echo "== build"; node scripts/build.mjs --quiet
echo "== lint"; npx eslint --max-warnings 0 .
echo "== typecheck"; npx tsc -b

# Every run gets its own keyring folder, so an old keyring's password never locks it out,
# and its own temp folder, removed at the end with whatever a test (or a browser, or a test
# that failed half-way) left there: a run used to leave ~320 MB of fixtures under /tmp.
keyring_home=$(mktemp -d)
run_tmp=$(mktemp -d -t outpost-test-run.XXXXXX)
trap 'rm -rf "$keyring_home" "$run_tmp"' EXIT
export XDG_DATA_HOME="$keyring_home"
export TMPDIR="$run_tmp"
echo "== unit, integration and end-to-end (private D-Bus session, unlocked gnome-keyring)"
dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf outpost-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  npx vitest run
  npx playwright test
' 2> >(grep -v "^dbus-daemon\[" >&2)
