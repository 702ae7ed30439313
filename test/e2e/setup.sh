#!/usr/bin/env bash
# Installs what the real-editor end-to-end tests need, offline-friendly and cached:
#   - Debian packages: chromium (the browser playwright-core drives), neovim (the second
#     LSP client), ripgrep (stands in for the rg binary code-server would download), and
#     the headers/tools code-server's native modules compile against.
#   - code-server and playwright-core, pinned, into their own npm project folder
#     .e2e-cache/ so they never touch the project's node_modules or package-lock.json.
#
# Idempotent: a stamp file records what was installed (versions plus Node's module ABI,
# since code-server's native addons are built for one Node ABI). When it matches and the
# binaries are present, the npm step is skipped and a second run takes well under a second.
#
# Usage: bash test/e2e/setup.sh            (env: E2E_CACHE to move the cache,
#                                           E2E_SKIP_APT=1 to skip the Debian step,
#                                           E2E_FORCE=1 to reinstall the npm part)
# Prints the cache's node_modules/.bin path on its last line, for scripts that want to add it to PATH.
set -euo pipefail

# Pinned versions. code-server 4.100.3 (VS Code 1.100.3) is the newest that runs on Node 20;
# later releases require Node 22+. playwright-core only drives a browser it is given, so it
# needs no download; 1.65.1 declares engines node >=20.
readonly CODE_SERVER_VERSION=4.100.3
readonly PLAYWRIGHT_CORE_VERSION=1.65.1
# @vscode/ripgrep version that code-server 4.100.3 pulls in, and the rg release it asks for:
# together they name the cache file its postinstall looks for before going to GitHub.
readonly VSCODE_RIPGREP_VERSION=1.15.11
readonly RIPGREP_ASSET_VERSION=v13.0.0-10

readonly APT_PACKAGES=(
  chromium neovim ripgrep
  libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config python3 make g++
)

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE_DIR="${E2E_CACHE:-$ROOT_DIR/.e2e-cache}"
STAMP_FILE="$CACHE_DIR/stamp"

log() { printf '[e2e-setup] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

start_all="$(now)"
mkdir -p "$CACHE_DIR"

# Serialise concurrent runs (two CI jobs or a developer running tests twice) so they do not
# interleave npm installs into the same folder.
exec 9>"$CACHE_DIR/.lock"
flock 9

# --- 1. Debian packages -------------------------------------------------------------------
install_apt_packages() {
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    # dpkg-query is a local lookup (milliseconds), so this check costs nothing on a warm run.
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    log "Debian packages present"
    return
  fi
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null || { log "need root or sudo to install: ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "installing Debian packages: ${missing[*]}"
  local t; t="$(now)"
  # apt-get update is needed on a fresh machine: before it the package lists may be empty.
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # --no-install-recommends keeps chromium/neovim lean (no extra desktop bits, pynvim, ...).
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  log "Debian packages installed in $(elapsed "$t") s"
}

if [[ "${E2E_SKIP_APT:-0}" != 1 ]]; then
  install_apt_packages
fi

# --- 2. code-server + playwright-core in their own npm folder -----------------------------
node_abi="$(node -p 'process.versions.modules')"
want_stamp="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node-abi@$node_abi $(uname -m)"

is_installed() {
  [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$want_stamp" ]] &&
    [[ -x "$CACHE_DIR/node_modules/.bin/code-server" ]] &&
    [[ -f "$CACHE_DIR/node_modules/playwright-core/package.json" ]]
}

# code-server's @vscode/ripgrep postinstall downloads rg from GitHub, which is unreachable
# here; it first looks in $TMPDIR/vscode-ripgrep-cache-<version>/ for the release archive,
# so we put one there that holds Debian's rg (archive root must contain 'rg').
seed_ripgrep_cache() {
  local tmp="$1" target
  case "$(uname -m)" in
    x86_64) target=x86_64-unknown-linux-musl ;;
    aarch64) target=aarch64-unknown-linux-musl ;;
    *) log "no ripgrep cache mapping for $(uname -m)"; exit 1 ;;
  esac
  local dir="$tmp/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
  local archive="$dir/ripgrep-$RIPGREP_ASSET_VERSION-$target.tar.gz"
  [[ -f "$archive" ]] && return
  command -v rg >/dev/null || { log "ripgrep (rg) is missing: install Debian's ripgrep"; exit 1; }
  mkdir -p "$dir"
  local stage; stage="$(mktemp -d "$tmp/rg-stage.XXXXXX")"
  cp "$(command -v rg)" "$stage/rg"
  tar -czf "$archive" -C "$stage" rg
  rm -rf "$stage"
}

if [[ "${E2E_FORCE:-0}" != 1 ]] && is_installed; then
  log "code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_CORE_VERSION already in $CACHE_DIR"
else
  log "installing code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_CORE_VERSION into $CACHE_DIR"
  t="$(now)"
  # Start from a clean folder so a half-finished earlier install cannot leave stale modules.
  rm -rf "$CACHE_DIR/node_modules" "$CACHE_DIR/package.json" "$CACHE_DIR/package-lock.json" "$STAMP_FILE"
  npm_tmp="$CACHE_DIR/tmp"
  mkdir -p "$npm_tmp"
  seed_ripgrep_cache "$npm_tmp"
  # A tiny private package.json with exact versions makes the cache folder its own npm
  # project. We deliberately run a plain local 'npm install' inside it rather than
  # 'npm install --global --prefix': npm exports its non-default settings (global, prefix)
  # to lifecycle scripts as npm_config_* variables, and code-server's postinstall runs a
  # nested 'npm install' in lib/vscode that would inherit them and install into the wrong
  # place (it fails with tar "Cannot cd into ..." errors).
  cat >"$CACHE_DIR/package.json" <<JSON
{
  "name": "kube-endpoints-e2e-cache",
  "private": true,
  "description": "Tools for test/e2e, installed by test/e2e/setup.sh. Not part of the project.",
  "dependencies": {
    "code-server": "$CODE_SERVER_VERSION",
    "playwright-core": "$PLAYWRIGHT_CORE_VERSION"
  }
}
JSON
  install_log="$CACHE_DIR/install.log"
  # Environment, each for a reason seen on these machines:
  #   npm_config_unsafe_perm  code-server's postinstall refuses to run as root without it;
  #   npm_config_nodedir      node-gyp builds against the local Node headers, no download;
  #   npm_config_yes          node-pty's postinstall runs 'npx node-gyp', which must not prompt
  #                           (the machine's ~/.npmrc sets yes=false, so npx would refuse);
  #   TMPDIR                  where @vscode/ripgrep finds the seeded rg archive;
  #   npm_config_update_notifier/fund/audit  no extra network calls.
  if ! (cd "$CACHE_DIR" && env \
      TMPDIR="$npm_tmp" \
      npm_config_unsafe_perm=true \
      npm_config_nodedir=/usr \
      npm_config_yes=true \
      npm_config_update_notifier=false \
      npm_config_fund=false \
      npm_config_audit=false \
      npm install --no-progress --foreground-scripts) >"$install_log" 2>&1; then
    log "npm install failed; last lines of $install_log:"
    tail -n 40 "$install_log" >&2
    exit 1
  fi
  # Check the pieces that a silent fallback could have skipped.
  rg_bin="$(find "$CACHE_DIR/node_modules/code-server" -path '*@vscode/ripgrep/bin/rg' -print -quit)"
  if [[ -z "$rg_bin" ]] || ! "$rg_bin" --version >/dev/null; then
    log "code-server installed without a working @vscode/ripgrep binary; see $install_log"
    exit 1
  fi
  "$CACHE_DIR/node_modules/.bin/code-server" --version >/dev/null
  printf '%s\n' "$want_stamp" >"$STAMP_FILE"
  log "npm install done in $(elapsed "$t") s"
fi

log "ready in $(elapsed "$start_all") s"
echo "$CACHE_DIR/node_modules/.bin"
