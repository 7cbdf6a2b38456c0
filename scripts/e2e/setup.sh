#!/usr/bin/env bash
# Prepares this machine for the end-to-end tests: Debian's chromium, ripgrep and prometheus (plus what the native
# modules need to build), and code-server installed offline into a cache outside the checkout, keyed by
# version. Idempotent: a finished install carries a marker, and a second run returns at once.
# Why the install looks like this: ../../../shared/notes/vscode-e2e-offline.md and docs/testing.md.
#
# Environment: VOLLEY_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/volley),
#              VOLLEY_CODE_SERVER_VERSION (default 4.100.3; the last line that runs on Node 20).
set -euo pipefail

VERSION="${VOLLEY_CODE_SERVER_VERSION:-4.100.3}"
CACHE="${VOLLEY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/volley}"
DEST="$CACHE/code-server-$VERSION"
MARKER="$DEST/.volley-ready"

say() { printf '[e2e setup] %s\n' "$*" >&2; }
die() { printf '[e2e setup] error: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

# --- Debian packages -------------------------------------------------------------------------------
# Only what is missing is installed, and the package lists are fetched at most once per run.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# test/cli/prometheus-rw.test.ts starts a real Prometheus with its remote-write receiver on 127.0.0.1.
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
if [ ! -f "$MARKER" ]; then
  # Only the code-server build needs these: kerberos links against krb5, the rest compile with node-gyp.
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  { command -v make && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after install"
command -v prometheus >/dev/null 2>&1 || die "prometheus is missing after install"

if [ -f "$MARKER" ]; then
  say "code-server $VERSION ready in $DEST"
  exit 0
fi

# --- code-server ------------------------------------------------------------------------------------
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$node_major" = 20 ] || die "code-server $VERSION needs Node 20, this is Node $(node --version)"

# node-gyp would fetch Node's headers from nodejs.org, which is out of reach: point it at the local ones.
node_prefix="$(dirname "$(dirname "$(node -p process.execPath)")")"
[ -f "$node_prefix/include/node/node.h" ] || die "Node's C headers are missing ($node_prefix/include/node/node.h)"
export npm_config_nodedir="$node_prefix"
# node-pty's install script runs `npx node-gyp`, which asks before fetching when there is no terminal.
export npm_config_yes=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

mkdir -p "$CACHE"
# Two test runs starting at once must not build into the same directory.
exec 9>"$CACHE/.code-server-$VERSION.lock"
flock 9
if [ -f "$MARKER" ]; then
  say "code-server $VERSION ready in $DEST (installed by a concurrent run)"
  exit 0
fi

WORK="$DEST.partial"
rm -rf "$WORK" "$DEST"
mkdir -p "$WORK"
LOG="$WORK/install.log"
step() {
  local title="$1"; shift
  say "$title"
  local t0=$SECONDS
  if ! "$@" >>"$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    die "$title failed (full log: $LOG)"
  fi
  say "  done in $((SECONDS - t0)) s"
}

# Install scripts are skipped throughout: code-server's postinstall refuses to run as root and would
# download ripgrep from GitHub. What the scripts would have done is done step by step below.
step "installing code-server@$VERSION from npm (scripts ignored)" \
  npm install --prefix "$WORK" --ignore-scripts --no-save --loglevel=error "code-server@$VERSION"
CS="$WORK/node_modules/code-server"
VS="$CS/lib/vscode"
step "building argon2" \
  bash -c "cd '$WORK' && npm rebuild --foreground-scripts argon2"
step "installing VS Code's production dependencies (scripts ignored)" \
  bash -c "cd '$VS' && npm install --omit=dev --ignore-scripts --loglevel=error"
step "building VS Code's native modules (kerberos, node-pty, spdlog, native-watchdog, deviceid, parcel/watcher)" \
  bash -c "cd '$VS' && npm rebuild --foreground-scripts kerberos node-pty @vscode/spdlog native-watchdog @vscode/deviceid @parcel/watcher"
step "installing the built-in extensions' dependencies (scripts ignored)" \
  bash -c "cd '$VS/extensions' && npm install --omit=dev --ignore-scripts --loglevel=error"

say "linking node_modules.asar, ripgrep and the helper scripts"
# VS Code and its extensions look for unpacked modules (rg, oniguruma's wasm) under node_modules.asar.
ln -sfn node_modules "$VS/node_modules.asar"
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sfn "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

# A smoke check that loads the server's entry, with a throwaway HOME so nothing lands in the real one.
check_home="$(mktemp -d)"
version_line="$(HOME="$check_home" XDG_CONFIG_HOME="$check_home/config" XDG_DATA_HOME="$check_home/data" \
  node "$CS/out/node/entry.js" --version 2>>"$LOG" | tail -n 1)" || true
rm -rf "$check_home"
case "$version_line" in
  "$VERSION "*) say "  $version_line" ;;
  *) die "code-server does not start (got: '${version_line}'; log: $LOG)" ;;
esac

mv "$WORK" "$DEST"
printf '{"version":"%s","entry":"%s","seconds":%d,"installedAt":"%s"}\n' \
  "$VERSION" "$DEST/node_modules/code-server/out/node/entry.js" "$((SECONDS - started))" "$(date -u +%FT%TZ)" >"$MARKER"
say "code-server $VERSION installed in $DEST ($(du -sh "$DEST" | cut -f1), $((SECONDS - started)) s)"
