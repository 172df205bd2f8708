#!/usr/bin/env bash
# One-command setup on a fresh Debian/Ubuntu machine: system packages, npm dependencies, native
# builds (better-sqlite3, FAISS), the embedding models, and the builds. Idempotent: re-running only
# does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# libfaiss-dev + libopenblas-dev + g++: FAISS, for our addon (native/faiss-addon.cc), always compiled from source.
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
# `npm install` (not `npm ci`): npm 11 writes lock files without the other platforms' optional
# packages (rollup's native builds), which `npm ci` then rejects as out of sync; install still
# installs exactly the locked versions.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm install --ignore-scripts --no-audit --no-fund
fi
if ! node -e "new (require('better-sqlite3'))(':memory:')" >/dev/null 2>&1 || ! node -e "require('sharp')" >/dev/null 2>&1; then
  echo "setup: building native modules (better-sqlite3 compiles from source where no prebuilt is reachable: about a minute)"
  npm rebuild better-sqlite3 sharp
fi
node scripts/build-faiss.mjs
node scripts/fetch-models.mjs

# More real photos for `npm run eval`: the sample images of scikit-image and OpenCV. Only their data
# folders are unpacked (installing the packages would pull in SciPy, Matplotlib, MathJax, ...).
EVAL_PHOTOS=.cache/eval-photos/debian
if [ ! -d "$EVAL_PHOTOS" ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: fetching sample photos for the evaluation (python3-skimage, opencv-doc data only)"
  tmp=$(mktemp -d)
  if (cd "$tmp" && apt-get download python3-skimage opencv-doc >/dev/null 2>&1 || { ${SUDO:-} apt-get update -qq && apt-get download python3-skimage opencv-doc >/dev/null; }); then
    for deb in "$tmp"/*.deb; do dpkg-deb -x "$deb" "$tmp/x"; done
    mkdir -p "$EVAL_PHOTOS/usr/lib/python3/dist-packages/skimage" "$EVAL_PHOTOS/usr/share/doc/opencv-doc/examples"
    cp -r "$tmp/x/usr/lib/python3/dist-packages/skimage/data" "$EVAL_PHOTOS/usr/lib/python3/dist-packages/skimage/"
    cp -r "$tmp/x/usr/share/doc/opencv-doc/examples/data" "$EVAL_PHOTOS/usr/share/doc/opencv-doc/examples/"
  else
    echo "setup: could not download the evaluation photos; npm run eval will use the darknet photos only"
  fi
  rm -rf "$tmp"
fi
npm run build
echo "setup: done. Try: npm run demo  (or: npx doppel index ~/Pictures && npx doppel duplicates)"
