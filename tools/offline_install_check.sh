#!/usr/bin/env bash
# Offline install check, for CI and for IT teams trying the route out.
#
#   bash tools/offline_install_check.sh            # wheelhouse install + single-file build
#   bash tools/offline_install_check.sh --no-zipapp
#
# 1. Online (build step): build the wheelhouse for this machine's platform and Python, and the
#    single-file zipapp from it. pip's cache is reused between runs.
# 2. Offline: with the network switched off (a private network namespace via `unshare -n` when
#    the kernel allows it, and always the tools/nonet socket guard, which also logs any attempt),
#    create a fresh virtualenv, `pip install --no-index --find-links wheelhouse cin-tui`, and run
#    `cin --version`, `cin demo --no-tui`, `cin due` and the zipapp's `--version` and `due`.
# Exits non-zero on any failure, or if anything tried to reach the network.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
WITH_ZIPAPP=1
[[ "${1:-}" == "--no-zipapp" ]] && WITH_ZIPAPP=0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cin-offline-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
start=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - start))"; }

step "build the wheelhouse for this machine (online)"
"$PYTHON" "$ROOT/tools/build_wheelhouse.py" --host-only --out "$WORK/wheelhouse" >"$WORK/build.log" 2>&1 \
  || { cat "$WORK/build.log"; exit 1; }
tail -n 2 "$WORK/build.log"
(cd "$WORK/wheelhouse" && sha256sum --check --quiet SHA256SUMS)

PY_VERSION=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [[ $WITH_ZIPAPP == 1 ]]; then
  step "build the single-file zipapp from the wheelhouse (online: fetches shiv into a throwaway venv)"
  "$PYTHON" "$ROOT/tools/build_zipapp.py" --wheelhouse "$WORK/wheelhouse" --python "$PY_VERSION" \
    --out "$WORK/cin.pyz" >"$WORK/zipapp.log" 2>&1 || { cat "$WORK/zipapp.log"; exit 1; }
  tail -n 1 "$WORK/zipapp.log"
fi

# From here on the network is off.
NONET_LOG="$WORK/network-attempts.log"
: >"$NONET_LOG"
if unshare --net true 2>/dev/null; then
  NAMESPACE=(unshare --net)
  echo "network: off (private network namespace, plus the socket guard)"
else
  NAMESPACE=()
  echo "network: off (socket guard only: unshare --net is not permitted here)"
fi
offline() {
  # No terminal input and a time limit: nothing here may wait for a person.
  env PYTHONPATH="$ROOT/tools/nonet" CIN_NONET_LOG="${ATTEMPTS_LOG:-$NONET_LOG}" PIP_NO_INDEX=1 \
    timeout 300 "${NAMESPACE[@]}" "$@" </dev/null
}

step "fresh virtualenv, install with the index switched off"
# pip itself probes for IPv6 support with a socket (no connection); its attempts are logged
# apart, as only cin's count.
export ATTEMPTS_LOG="$WORK/pip-socket-probes.log"
offline "$PYTHON" -m venv "$WORK/venv"
# --isolated: ignore the user's pip.conf and PIP_* variables (no extra find-links or indexes).
offline "$WORK/venv/bin/python" -m pip --isolated --disable-pip-version-check install --quiet \
  --no-index --find-links "$WORK/wheelhouse" cin-tui
unset ATTEMPTS_LOG

# A clean data and settings folder, a fixed "today", and a working folder outside the checkout
# so nothing is imported from the source tree by accident.
export CIN_DB="$WORK/data/cin.db" CIN_SETTINGS_DIR="$WORK/settings" CIN_TODAY=2026-11-23
export HOME="$WORK/home" SHIV_ROOT="$WORK/shiv"
mkdir -p "$HOME"
cd "$WORK"

step "cin from the virtualenv"
offline "$WORK/venv/bin/cin" --version
offline "$WORK/venv/bin/cin" demo --no-tui >/dev/null
offline "$WORK/venv/bin/cin" due >"$WORK/due.txt"
head -n 5 "$WORK/due.txt"
[[ -s "$WORK/due.txt" ]] || { echo "cin due printed nothing"; exit 1; }

if [[ $WITH_ZIPAPP == 1 ]]; then
  step "the single-file build, run with the plain Python (no virtualenv)"
  offline "$PYTHON" -s "$WORK/cin.pyz" --version
  offline "$PYTHON" -s "$WORK/cin.pyz" due >"$WORK/due-pyz.txt"
  cmp "$WORK/due.txt" "$WORK/due-pyz.txt" || { echo "zipapp 'cin due' differs from the installed one"; exit 1; }
fi

if [[ -s "$NONET_LOG" ]]; then
  echo "FAILED: network use was attempted:"; cat "$NONET_LOG"; exit 1
fi
step "offline install check passed; no network use attempted"
