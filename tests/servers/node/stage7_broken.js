// BROKEN ON PURPOSE: stage7.js with one bug a student could make: the message is the
// header and the line, without the "\n" the notes add after the body ("hello\n" goes out
// as header + "hello\n", not header + "hello\n\n").
// The first failure a grader should report: broadcasts_to_everyone, step 1 (connecting A:
// "A joins\n" comes back without the blank line after it). Everything else is stage7.js
// unchanged.
// A correct stage 7 chat server for Node 20 (`node stage7.js PORT`, or $PORT): what the
// notes' stage 7 (makefile + readline, try/except, console quit) is for, done without
// CPython's accidents. Only the `net` module; no npm packages.
//
// Design: Node's event loop, one 'data' handler per client, Buffers throughout.
// Framing: LINES. Every complete line is one message, however long (no limit: a 16 MiB
// line goes through); several lines in one 'data' event are several messages; a '\r'
// before the '\n' is STRIPPED (so "crlf\r\n" goes out as "crlf\n"); a last line without
// '\n' is sent to the others when its client closes, as header + line + "\n". Bytes are
// forwarded as they came (never decoded: invalid UTF-8 is just forwarded).
//   wire:  "%Y%m/%d %H:%M:%S ip:port\n" (local time, the sender's address) + line + "\n",
//          to every client, the sender included.
//   a line that strips to "quit": its client is removed and its connection ended, nothing
//          broadcast, and what follows it in the same segment is dropped.
//   a blank (or all-whitespace) line is SKIPPED: nothing to say, nothing broadcast, its
//          sender stays (the notes disconnect on it only because '' was their test for a
//          closed peer).
//   a client that closes, half-closes or resets is removed quietly (no empty broadcast).
//   a client that never reads gets at most 256 MiB queued, then it is disconnected.
//   console (stdin): ">> " prompt; `quit` ends every connection (every client sees EOF)
//          and ends the program once every FIN is out (0.5 s at most). Other lines print
//          the number of clients.
//          Stdin at EOF: the console is gone, the chat goes on.
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
  const msg = Buffer.concat([header(from), body]); // the bug: the final NL forgotten
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

function strip(buf) {
  return buf.toString('latin1').trim();
}

const server = net.createServer((sock) => {
  sock.name = `${sock.remoteAddress}:${sock.remotePort}`;
  clients.add(sock);
  console.error(`${sock.name} joins`);
  let pending = []; // the start of the current line, in pieces
  let quitting = false;

  sock.on('data', (chunk) => {
    if (quitting) return;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      pending.push(chunk.subarray(start, nl + 1));
      start = nl + 1;
      let line = Buffer.concat(pending);
      pending = [];
      if (line.length >= 2 && line[line.length - 2] === 13) {
        line = Buffer.concat([line.subarray(0, line.length - 2), NL]);
      }
      const text = strip(line);
      if (text === 'quit') {
        console.error(`${sock.name} quits`);
        quitting = true;
        remove(sock);
        sock.end();
        return;
      }
      if (text === '') continue;
      broadcast(sock, line);
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  });
  sock.on('end', () => {
    // The peer closed (or half-closed); Node ends our side too (allowHalfOpen is false),
    // so a last line without '\n' goes to the others only.
    if (clients.has(sock)) console.error(`${sock.name} left`);
    remove(sock);
    if (!quitting && pending.length > 0) {
      const rest = Buffer.concat(pending);
      pending = [];
      if (strip(rest) !== '' && strip(rest) !== 'quit') broadcast(sock, rest);
    }
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

function stop() {
  server.close();
  const all = [...clients];
  clients.clear();
  // Each end() sends what is queued, then a FIN; leave once every FIN is out, or at 0.5 s.
  const done = () => process.exit(0);
  setTimeout(done, 500);
  let open = all.length;
  if (open === 0) done();
  for (const c of all) {
    c.end(() => {
      if (--open === 0) done();
    });
  }
}

process.stdout.write('>> ');
let typed = '';
process.stdin.on('data', (chunk) => {
  typed += chunk.toString();
  let nl;
  while ((nl = typed.indexOf('\n')) >= 0) {
    const cmd = typed.slice(0, nl).trim();
    typed = typed.slice(nl + 1);
    if (cmd === 'quit') {
      stop();
      return;
    }
    process.stdout.write(`${clients.size} clients\n>> `);
  }
});
process.stdin.on('error', () => {});
