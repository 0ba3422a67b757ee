#!/usr/bin/env python3
# check-po.py: every string of the station is translated, and translated well enough to load.
#
# For each language in po/LINGUAS: msgfmt --check passes (format specifiers such as %s and %d
# match in number, type and order, headers are sane), no entry is fuzzy or untranslated, and
# every msgid of a template freshly extracted from po/POTFILES.in is in the .po. The template is
# made here, with the keywords of meson's "glib" preset, so a string added to the code without
# a translation fails this test even before anyone runs `meson compile khyber-station-pot`.
#
# Prints TAP. SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import tempfile

XGETTEXT_ARGS = [
    "--from-code=UTF-8", "--add-comments",
    "--keyword=_", "--keyword=N_", "--keyword=C_:1c,2", "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2", "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format", "--flag=C_:2:pass-c-format", "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format", "--flag=g_strdup_printf:1:c-format",
    "--flag=g_set_error:4:c-format", "--flag=g_printerr:1:c-format",
]


def unquote(s):
    # A .po string literal: C escapes, in UTF-8.
    return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def parse_po(path):
    """Returns {(msgctxt, msgid): (flags, [msgstr...])}, header and obsolete entries left out."""
    entries = {}
    ctx = None
    field = None
    cur = {}
    flags = set()

    def flush():
        nonlocal cur, flags, ctx
        if "msgid" in cur and cur["msgid"] != "":
            strs = [v for k, v in sorted(cur.items()) if k.startswith("msgstr")]
            entries[(ctx, cur["msgid"])] = (flags, strs)
        cur = {}
        flags = set()
        ctx = None

    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            flush()
            field = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if m:
            if m.group(1) == "msgid" and "msgid" in cur:
                flush()
            field = m.group(1)
            if field == "msgctxt":
                ctx = unquote(m.group(2))
            else:
                cur[field] = unquote(m.group(2))
        elif line.startswith('"') and field:
            if field == "msgctxt":
                ctx += unquote(line)
            else:
                cur[field] += unquote(line)
    flush()
    return entries


def main():
    src = sys.argv[1]
    po_dir = os.path.join(src, "po")
    langs = [l.strip() for l in open(os.path.join(po_dir, "LINGUAS")) if l.strip() and not l.startswith("#")]
    tests = []

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "fresh.pot")
        subprocess.run(["xgettext", "--package-name=khyber-station", "-o", pot,
                        "--files-from", os.path.join(po_dir, "POTFILES.in"),
                        "--directory", src] + XGETTEXT_ARGS,
                       check=True, capture_output=True, text=True)
        template = parse_po(pot)

        tests.append(("LINGUAS lists Urdu and Pashto", "ur" in langs and "ps" in langs, ""))
        tests.append(("the template holds strings", len(template) > 100, f"{len(template)} msgids"))

        for lang in langs:
            path = os.path.join(po_dir, lang + ".po")
            r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path],
                               capture_output=True, text=True)
            tests.append((f"{lang}: msgfmt --check passes", r.returncode == 0, r.stderr.strip()))

            entries = parse_po(path)
            fuzzy = [k[1] for k, (f, s) in entries.items() if "fuzzy" in f]
            empty = [k[1] for k, (f, s) in entries.items() if not s or any(x == "" for x in s)]
            missing = [k[1] for k in template if k not in entries]
            tests.append((f"{lang}: no fuzzy string", not fuzzy, "\n".join(fuzzy[:20])))
            tests.append((f"{lang}: no untranslated string", not empty, "\n".join(empty[:20])))
            tests.append((f"{lang}: every string of the code is in the .po", not missing,
                          "\n".join(missing[:20]) +
                          ("\n(refresh with: meson compile -C build khyber-station-update-po)"
                           if missing else "")))

    print("1..%d" % len(tests))
    failed = 0
    for i, (name, ok, detail) in enumerate(tests, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            failed += 1
            for line in detail.splitlines():
                print("# " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
