# Broken on purpose: accepts every client and reads what it sends, but never answers.
from chat import serve

serve(message=lambda client, data: "", to_sender=False)
