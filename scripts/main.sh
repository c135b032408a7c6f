#!/usr/bin/env bash
# The main job: set up, build, and read the bundled example with midigpt.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
setup_and_build
echo
node_modules/.bin/midigpt score examples/pop909-001.mid
