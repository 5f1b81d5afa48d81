# Broken on purpose: listens on a port of its own choosing, not the one it was given.
from chat import serve

serve(port=0)
