#!/bin/bash
# Export and import rates and peak memory of `outpost bundle` for N events (default one
# million), with a built CLI, in a private keyring session:
#   node scripts/build.mjs && bash test/bundle/measure.sh [EVENTS]     (OUTPOST_CLI=path/to/cli.mjs to use another build)
# Both seals: to a laptop's age recipient (X25519) and to a passphrase (scrypt, log2 N = 18,
# which alone takes 256 MiB while the key is derived).
# Note: all homes here share one keychain, and cache keys are named by tenant, not by home.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
CLI=$(realpath "${OUTPOST_CLI:-dist/cli.mjs}")
T=$(mktemp -d)
export XDG_DATA_HOME=$T/xdg
mkdir -p "$XDG_DATA_HOME"
dbus-run-session -- bash -c '
  set -euo pipefail
  eval "$(printf measure | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL
  T='"$T"'; N='"$N"'; CLI='"$CLI"'
  printf "measure passphrase" >"$T/pw"
  export OUTPOST_HOME=$T/a
  node --import tsx test/bundle/measure-fill.ts big "$N" >"$T/fill.json"
  echo "fill: $(head -c 400 "$T/fill.json")"
  node "$CLI" identity show --json >"$T/id.json"
  node "$CLI" trust add "$T/id.json" >/dev/null
  # Both exports first: every home shares this one keychain, and a cache key is per tenant,
  # so the first import on a new home replaces the key of the exporting home (see the note above).
  for mode in recipient passphrase; do
    if [ $mode = recipient ]; then seal=(--recipient "$T/id.json"); else seal=(--passphrase-file "$T/pw"); fi
    export OUTPOST_HOME=$T/a
    /usr/bin/time -f "$mode export: %e s wall, peak RSS %M KiB" node "$CLI" bundle export --tenant big --to "$T/$mode.outpost" "${seal[@]}" --json | head -c 600; echo
    ls -l "$T/$mode.outpost" | awk "{print \"$mode bundle bytes: \" \$5}"
  done
  for mode in recipient passphrase; do
    export OUTPOST_HOME=$T/b-$mode
    /usr/bin/time -f "$mode import (new cache): %e s wall, peak RSS %M KiB" node "$CLI" bundle import "$T/$mode.outpost" --passphrase-file "$T/pw" --json | head -c 600; echo
    /usr/bin/time -f "$mode re-import (no-op): %e s wall, peak RSS %M KiB" node "$CLI" bundle import "$T/$mode.outpost" --passphrase-file "$T/pw" --json | head -c 300; echo
  done
' 2> >(grep -v "^dbus-daemon" >&2)
rm -rf "$T"
