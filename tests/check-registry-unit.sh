#!/bin/sh
# systemd-analyze verify on the registry's unit as built, its ExecStart pointed at the built
# program (the installed path does not exist here). Skipped (77) without systemd-analyze.
set -eu
unit=$1
registry=$2
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found: install systemd"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$registry|" "$unit" > "$dir/khyber-registry.service"
out=$(systemd-analyze verify "$dir/khyber-registry.service" 2>&1) || { echo "$out"; exit 1; }
# verify warns without failing: a warning about this unit is a failure here.
if printf '%s\n' "$out" | grep -i "khyber-registry"; then
  exit 1
fi
echo "khyber-registry.service: systemd-analyze verify passes"
