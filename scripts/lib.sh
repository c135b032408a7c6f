# Shared by the set-up scripts: installs what is missing, runs pnpm.
# Sourced, not executed.

PNPM_VERSION=12.4.2
export TURBO_TELEMETRY_DISABLED=1
# onnxruntime-node's postinstall only fetches optional CUDA files (later issues).
export ONNXRUNTIME_NODE_INSTALL=skip

# ensure_apt "check command" debian-package ... : installs the packages when the check fails.
ensure_apt() {
  local check=$1
  shift
  if eval "$check" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "midigpt set-up: installing $* (apt-get)"
    if [ -z "${MIDIGPT_APT_UPDATED:-}" ]; then
      apt-get update -qq
      MIDIGPT_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "midigpt set-up: please install $* (needed: $check failed)" >&2
    return 1
  fi
}

require_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    echo "midigpt set-up: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
    return 1
  fi
}

pnpm() {
  npx --yes "pnpm@$PNPM_VERSION" "$@"
}

# Build tools, dependencies and the build itself.
setup_and_build() {
  require_node
  ensure_apt "command -v cmake" cmake
  ensure_apt "command -v g++" g++
  ensure_apt "command -v make" make
  ensure_apt "test -f /usr/include/nlohmann/json.hpp" nlohmann-json3-dev
  pnpm install --frozen-lockfile
  pnpm run build
}
