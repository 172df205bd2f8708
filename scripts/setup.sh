#!/usr/bin/env bash
# One-command setup on a fresh Debian/Ubuntu machine: system packages, npm dependencies, native
# builds (better-sqlite3, FAISS), the embedding models, and the builds. Idempotent: re-running only
# does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# libfaiss-dev + libopenblas-dev + g++: FAISS, for our addon (native/faiss-addon.cc), always compiled from source.
# darknet: real JPEG photos for tests. libheif-examples: heif-enc, to make HEIC test files.
# chromium: the renderer's end-to-end tests. g++/make/python3: native addon builds.
APT_PACKAGES=(libfaiss-dev libopenblas-dev darknet libheif-examples chromium g++ make python3 ffmpeg ${DOPPEL_EXTRA_APT_PACKAGES:-})

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
# reach. `npm install` rather than `npm ci`: it only adds what is missing, so re-running setup is
# cheap; the lock file lists every platform's optional packages, so it leaves the lock unchanged.
# onnxruntime-node's own install script (never run here) would fetch CUDA binaries: told to skip them
# by its environment variable, which npm does not warn about as it does of an unknown .npmrc key.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  # Electron 45 and its installer packages (@electron/*) declare Node >= 22.12 for @electron/get,
  # the binary download that --ignore-scripts never runs (its host is unreachable here anyway);
  # everything we run works on the README's Node 20.19+. Only those known notices are dropped.
  npm install --ignore-scripts --no-audit --no-fund 2>&1 | awk '
    /EBADENGINE Unsupported engine/ { block = $0 "\n"; inside = 1; next }
    inside { block = block $0 "\n"; if ($0 ~ /EBADENGINE }/) { inside = 0; if (block !~ /package: .(electron@|@electron\/|@electron-internal\/)/) printf "%s", block } next }
    { print }'
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
