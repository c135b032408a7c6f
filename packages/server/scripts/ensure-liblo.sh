#!/usr/bin/env bash
# Installs Debian's liblo-tools (oscsend, oscdump) when missing: the
# independent OSC client of packages/server/test/osc/liblo.test.ts.
set -euo pipefail
source "$(dirname "$0")/../../../scripts/lib.sh"
ensure_apt "command -v oscsend && command -v oscdump" liblo-tools
