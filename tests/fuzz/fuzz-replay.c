/* fuzz-replay.c: runs a fuzz target over its corpus without libFuzzer
 *
 * What the meson tests use when the project is not built with clang's -fsanitize=fuzzer: every
 * file in the folders (or the files) given is passed once to LLVMFuzzerTestOneInput. Under
 * -Dsanitize=true a crash or a leak of bounds is an ASan/UBSan report and a failed test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static guint
replay_file (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("%s", error->message);
  LLVMFuzzerTestOneInput ((const uint8_t *)contents, len);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = NULL;
      const char *name;

      if (!g_file_test (argv[i], G_FILE_TEST_IS_DIR))
        {
          n += replay_file (argv[i]);
          continue;
        }
      dir = g_dir_open (argv[i], 0, NULL);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);

          n += replay_file (path);
        }
    }
  if (n == 0)
    g_error ("no corpus file found");
  printf ("%u inputs replayed\n", n);
  return 0;
}
