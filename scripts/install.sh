#!/usr/bin/env bash
# Set up CareLLM in ./.venv. `--test` adds the test tools and the system packages tests use.
# Idempotent: run it again after pulling.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1
python=${PYTHON:-python3}

apt_packages=(ffmpeg espeak-ng sox libsndfile1)
[ "$with_tests" = 1 ] && apt_packages+=(chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji postgresql)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null; then
    echo "Please install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# torch first: installed alone it can pick the right build (CPU 2.13.0 from a local wheel
# folder, or CUDA on GPU machines); installed as a dependency it would pull the newest CUDA build.
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  "${pip[@]}" "${CARELLM_TORCH:-torch==2.13.0}"
fi
extras="all"
[ "$with_tests" = 1 ] && extras="all,dev"
"${pip[@]}" -e ".[${extras}]"
echo "CareLLM installed in .venv ($(.venv/bin/python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'))."
