#!/usr/bin/env bash
# test-install.sh: `meson install` into a temporary folder, then the installed station run from
# there, as a script and a person would: --version, `card` and `verify` (the whole cli suite on the
# installed program), translations, and a start to the first window (under the suite's Xvfb).
#
#   test-install.sh BUILD_ROOT PREFIX DATADIR LOCALEDIR BINDIR VERSION TEST_CLI   (TAP on stdout)
#
# With BUILD_ROOT "-" nothing is installed: the checks run on the station installed on this
# machine (the Debian packages, in .ci/run), e.g. test-install.sh - /usr /usr/share
# /usr/share/locale /usr/bin 0.1.0 build/tests/test-cli
set -uo pipefail

build=$1 prefix=$2 datadir=$3 localedir=$4 bindir=$5 want_version=$6 test_cli=$7
# Outside the build folder: a program started from inside it counts as uninstalled.
tmp=$(mktemp -d /tmp/ks-install-XXXXXX)
dest=$tmp/root
[ "$build" = - ] && dest=
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/log" 2>/dev/null; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

echo "1..6"

if [ -z "$dest" ]; then
  ok "installed on this machine (no meson install)"
elif meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >"$tmp/log" 2>&1; then
  ok "meson install --destdir"
else
  not_ok "meson install --destdir"
  exit 1
fi

station=$dest$bindir/khyber-station
# Only what the installed tree holds: its schema, data, translations and icons.
# Installed for real, the program finds them where it was built to look (the package's
# triggers compiled the schema).
if [ -n "$dest" ]; then
  glib-compile-schemas --strict "$dest$datadir/glib-2.0/schemas"
  export GSETTINGS_SCHEMA_DIR=$dest$datadir/glib-2.0/schemas
  export KS_DATA_DIR=$dest$datadir/khyber-station
  export KS_LOCALEDIR=$dest$localedir
  export XDG_DATA_DIRS=$dest$datadir:/usr/share
else
  unset GSETTINGS_SCHEMA_DIR KS_DATA_DIR KS_LOCALEDIR
fi
unset KS_SOURCE_ROOT

missing=
for f in "$station" "$dest$bindir/khyber-registry" \
         "$dest$datadir/khyber-station/reference/kp-districts.json" \
         "$dest$datadir/applications/pk.gov.kp.KhyberPassStation.desktop" \
         "$dest$datadir/metainfo/pk.gov.kp.KhyberPassStation.metainfo.xml" \
         "$dest$datadir/icons/hicolor/scalable/apps/pk.gov.kp.KhyberPassStation.svg" \
         "$dest$datadir/icons/hicolor/symbolic/apps/pk.gov.kp.KhyberPassStation-symbolic.svg" \
         "$dest$localedir/ur/LC_MESSAGES/khyber-station.mo" \
         "$dest$localedir/ps/LC_MESSAGES/khyber-station.mo"; do
  [ -e "$f" ] || missing="$missing $f"
done
version=$("$station" --version 2>"$tmp/log")
if [ -z "$missing" ] && [[ "$version" == *"$want_version"* ]]; then
  ok "installed files present, --version says: $version"
else
  echo "missing:$missing; --version said: $version" >>"$tmp/log"
  not_ok "installed files present, --version"
fi

# The installed translations: `verify --help` in Urdu.
if LANGUAGE=ur "$station" verify --help >"$tmp/help" 2>&1 && grep -qP '[\x{0600}-\x{06FF}]' "$tmp/help"; then
  ok "installed Urdu translation"
else
  cp "$tmp/help" "$tmp/log"
  not_ok "installed Urdu translation"
fi

# card and verify, on cards issued by an operator's enrollment: the cli suite, pointed at the
# installed program.
if "$test_cli" "$station" >"$tmp/log" 2>&1; then
  ok "cli suite (card, verify) on the installed program"
else
  not_ok "cli suite (card, verify) on the installed program"
fi

# The installed registry answers --help.
if "$dest$bindir/khyber-registry" --help >"$tmp/log" 2>&1; then
  ok "installed khyber-registry --help"
else
  not_ok "installed khyber-registry --help"
fi

# A first start on a fresh data folder, up to its first window.
if [ -z "${DISPLAY:-}" ] || ! command -v xdotool >/dev/null; then
  skip "first window" "no X display (./station test starts Xvfb)"
elif ! command -v dbus-run-session >/dev/null; then
  skip "first window" "no dbus-run-session (Debian package dbus-daemon)"
else
  # On a session bus of its own, as on a desktop: GApplication registers there.
  dbus-run-session -- "$station" --data-dir "$tmp/data" >"$tmp/log" 2>&1 &
  pid=$!
  shown=
  for _ in $(seq 1 150); do
    if xdotool search --onlyvisible --name 'Khyber Pass Station' >/dev/null 2>&1; then
      shown=1
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if [ -n "$shown" ] && kill -0 "$pid" 2>/dev/null; then
    ok "first window of the installed station"
  else
    not_ok "first window of the installed station"
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=
fi

[ "$failed" -eq 0 ]
