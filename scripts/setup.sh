#!/usr/bin/env bash
# Install everything edudx needs into ./.venv and ./node_modules (idempotent, offline-safe
# after the first run): Python packages pinned in uv.lock, front-end assets pinned in
# package-lock.json, compiled translation catalogues.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
else
  python3 -m uv --version >/dev/null 2>&1 || { echo "» installing uv"; python3 -m pip install --quiet uv; }
  UV=(python3 -m uv)
fi
echo "» Python packages (uv sync --locked)"
"${UV[@]}" sync --locked --quiet
echo "» front-end assets (npm ci)"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
.venv/bin/python scripts/vendor_assets.py
echo "» translations"
.venv/bin/edudx compilemessages --ignore=.venv --ignore=node_modules -v0
echo "» static files (hashed names, precompressed: whitenoise serves them with a year-long cache)"
.venv/bin/edudx collectstatic --noinput -v0
