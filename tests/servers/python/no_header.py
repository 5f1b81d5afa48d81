# Broken on purpose: broadcasts the text alone, without the "{time} ip:port\n" header.
from chat import serve

serve(message=lambda client, data: data + "\n")
