#!/usr/bin/env bash
# Set up CareLLM in ./.venv. `--test` adds the test tools and the system packages tests use.
# Idempotent: run it again after pulling (steps already done say so and take seconds).
# Shows apt's and pip's own progress: a first install takes a few minutes (torch alone is ~1 GB
# on CUDA machines), and a silent terminal for that long looks like a hang.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1
python=${PYTHON:-python3}
[ -x .venv/bin/python ] && python=.venv/bin/python  # an existing environment keeps its interpreter
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "CareLLM needs Python 3.11 or newer; $python is $("$python" --version 2>&1 || echo "not installed")." >&2
  echo "Install python3.11 or newer, then: rm -rf .venv && PYTHON=python3.11 bash scripts/install.sh" >&2
  exit 1
fi
started=$SECONDS
step() { echo; echo "==> [$1/4] $2"; }

apt_packages=(ffmpeg espeak-ng sox libsndfile1)
[ "$with_tests" = 1 ] && apt_packages+=(chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji postgresql)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step 1 "System packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ] || ! command -v apt-get >/dev/null; then
    echo "Please install these system packages first: ${missing[*]}" >&2
    exit 1
  fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
else
  step 1 "System packages: ${apt_packages[*]} already installed"
fi

if [ -x .venv/bin/python ]; then
  step 2 "Virtual environment: .venv already there"
else
  step 2 "Virtual environment: creating .venv with $("$python" --version 2>&1)"
  "$python" -m venv .venv
fi
pip=(.venv/bin/python -m pip install --disable-pip-version-check)
# torch first: installed alone it can pick the right build (CPU 2.13.0 from a local wheel
# folder, or CUDA on GPU machines); installed as a dependency it would pull the newest CUDA build.
if .venv/bin/python -c "import torch" 2>/dev/null; then
  step 3 "PyTorch: already installed"
else
  step 3 "PyTorch: ${CARELLM_TORCH:-torch==2.13.0}"
  "${pip[@]}" "${CARELLM_TORCH:-torch==2.13.0}"
fi
extras="all"
[ "$with_tests" = 1 ] && extras="all,dev"
step 4 "CareLLM and its dependencies (.[${extras}])"
"${pip[@]}" -e ".[${extras}]"

elapsed=$((SECONDS - started))
versions=$(.venv/bin/python -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)')
echo
echo "CareLLM installed in .venv ($versions) in $((elapsed / 60)) min $((elapsed % 60)) s."
echo "Next: source .venv/bin/activate (then carellm doctor), or run .venv/bin/carellm directly."
