"""Bemanna test suite."""

import os

# Argon2 at its production cost (64 MiB, 3 passes) makes every sign-in in the suite take a tenth of a
# second; the tests check what is hashed and when, not how hard, so they hash cheaply. Set here, before
# any test module imports the app, in every test process.
os.environ.setdefault("BEMANNA_PASSWORD_HASH_MEMORY_KIB", "1024")
os.environ.setdefault("BEMANNA_PASSWORD_HASH_TIME_COST", "1")
