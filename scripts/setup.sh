#!/usr/bin/env bash
# One-command setup on a fresh Debian/Ubuntu machine: system packages, npm dependencies, native
# builds (better-sqlite3, FAISS), the embedding models, and the builds. Idempotent: re-running only
# does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# libfaiss-dev + libopenblas-dev: FAISS for faiss-node when its prebuilt binary cannot be downloaded.
# darknet: real JPEG photos for tests. libheif-examples: heif-enc, to make HEIC test files.
# chromium: the renderer's end-to-end tests. g++/make/python3: native addon builds.
APT_PACKAGES=(libfaiss-dev libopenblas-dev darknet libheif-examples chromium g++ make python3 ${DOPPEL_EXTRA_APT_PACKAGES:-})

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Install scripts are run selectively below: faiss-node's own script needs hosts we cannot always
# reach, and onnxruntime-node's would fetch CUDA binaries (.npmrc skips that anyway).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --ignore-scripts --no-audit --no-fund
fi
if ! node -e "new (require('better-sqlite3'))(':memory:')" >/dev/null 2>&1 || ! node -e "require('sharp')" >/dev/null 2>&1; then
  echo "setup: building native modules (better-sqlite3 compiles from source where no prebuilt is reachable: about a minute)"
  npm rebuild better-sqlite3 sharp
fi
node scripts/build-faiss.mjs
node scripts/fetch-models.mjs
npm run build
echo "setup: done. Try: npx doppel index ~/Pictures && npx doppel duplicates"
