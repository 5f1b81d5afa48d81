# Broken on purpose: dies before it listens.
raise RuntimeError("the server was not finished")
