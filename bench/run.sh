#!/usr/bin/env bash
# Load benchmarks for yorum: installs wrk and nginx from Debian's packages when missing,
# makes sure the virtualenv is set up, then runs bench/run.py. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing ${missing[*]} from Debian's packages" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

make --no-print-directory -s setup
exec .venv/bin/python bench/run.py "$@"
