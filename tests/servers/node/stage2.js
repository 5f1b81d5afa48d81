// A correct stage 2 chat server for Node 20 (`node stage2.js PORT`, or $PORT): what the
// notes' stage 2 (a thread per client, every message to every client behind a header) is
// for, done without CPython's accidents. Only the `net` module; no npm packages.
//
// Design: Node's event loop, one 'data' handler per client, Buffers throughout.
// Framing: LINES (where the notes frame by recv(1024)): every complete line, its '\n'
// included and a '\r' kept as sent, is one message, however long; several lines in one
// segment are several messages; a line that arrives in pieces is one message; a last
// line without '\n' is sent to the others when its client closes, as header + line +
// "\n". Bytes are forwarded as they came (never decoded: invalid UTF-8 is just
// forwarded).
//   wire:  "%Y%m/%d %H:%M:%S ip:port\n" (local time, the sender's address) + line + "\n",
//          to every client, the sender included.
//   `quit` is text like any other (stage 2 has no commands), and so is a blank line.
//   a client that closes, half-closes or resets is removed quietly (no empty broadcast).
//   a client that never reads gets at most 256 MiB queued, then it is disconnected.
//   no console (stage 2 has none): it runs until it is killed (SIGINT, SIGTERM).
// Logs go to stderr, in its own words.
'use strict';
const net = require('net');

const MAX_QUEUED = 256 * 1024 * 1024;
const NL = Buffer.from('\n');
const clients = new Set();

function pad(n) {
  return String(n).padStart(2, '0');
}

function header(sock) {
  const d = new Date();
  const time = `${d.getFullYear()}${pad(d.getMonth() + 1)}/${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return Buffer.from(`${time} ${sock.name}\n`);
}

function broadcast(from, body) {
  const msg = Buffer.concat([header(from), body, NL]);
  for (const c of clients) {
    if (c.writableLength + msg.length > MAX_QUEUED) {
      console.error(`${c.name} does not read: disconnected`);
      remove(c);
      c.destroy();
      continue;
    }
    c.write(msg);
  }
}

function remove(sock) {
  clients.delete(sock);
}

const server = net.createServer((sock) => {
  sock.name = `${sock.remoteAddress}:${sock.remotePort}`;
  clients.add(sock);
  console.error(`${sock.name} joins`);
  let pending = []; // the start of the current line, in pieces

  sock.on('data', (chunk) => {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      pending.push(chunk.subarray(start, nl + 1));
      start = nl + 1;
      const line = Buffer.concat(pending);
      pending = [];
      broadcast(sock, line);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  sock.on('end', () => {
    // The peer closed (or half-closed); Node ends our side too (allowHalfOpen is false),
    // so a last line without '\n' goes to the others only.
    if (clients.has(sock)) console.error(`${sock.name} left`);
    remove(sock);
    if (pending.length > 0) broadcast(sock, Buffer.concat(pending));
    pending = [];
  });
  sock.on('error', (err) => {
    console.error(`${sock.name}: ${err.code || err.message}; removed`);
    remove(sock);
  });
  sock.on('close', () => remove(sock));
});

server.on('error', (err) => {
  console.error(`cannot listen: ${err.message}`);
  process.exit(1);
});

const port = Number(process.argv[2] || process.env.PORT || 60000);
server.listen(port, '127.0.0.1');
