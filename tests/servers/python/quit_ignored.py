# Broken on purpose, as stage 4: removes a client that closes, but broadcasts `quit`
# like any other text.
from chat import serve

serve()
