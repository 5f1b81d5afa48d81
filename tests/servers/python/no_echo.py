# Broken on purpose: sends each message to everyone but its sender.
from chat import serve

serve(to_sender=False)
