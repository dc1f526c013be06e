// A small SMTP listener on loopback for the tests: enough of RFC 5321 for
// libcurl to deliver (EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no AUTH), and
// helpers to decode what arrived (RFC 2047 headers, base64 bodies).
import net from 'node:net';

// Starts the listener on port (0: any). Returns {port, mails, next(), at(i), close()}.
// Each mail is {from, to, data}; next() waits for the next one to arrive.
// opts.reject(address) may return a reply ("550 no such user") that refuses
// a recipient at RCPT; opts.delayMs holds each reply to the end of data for
// that long, after the mail is counted as arrived (a slow server).
export function startSmtp(port = 0, opts = {}) {
  const mails = [];
  const waiting = [];
  const server = net.createServer((sock) => {
    let buf = '', inData = false, mail = null;
    sock.setEncoding('latin1'); // bytes as they came; decoded later
    sock.write('220 test ESMTP\r\n');
    sock.on('data', (chunk) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = Buffer.from(buf.slice(0, end), 'latin1').toString('utf8');
          buf = buf.slice(end + 5);
          inData = false;
          mails.push(mail);
          const w = waiting.shift();
          if (w) w(mail);
          if (opts.delayMs) {
            // Hold the reply, and the rest of this connection, for a while.
            sock.pause();
            setTimeout(() => {
              if (sock.destroyed) return;
              sock.write('250 OK queued\r\n');
              sock.resume();
              sock.emit('data', ''); // what came meanwhile
            }, opts.delayMs);
            return;
          }
          sock.write('250 OK queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-test\r\n250 8BITMIME\r\n');
        else if (cmd === 'HELO') sock.write('250 test\r\n');
        else if (cmd === 'MAIL') { mail = { from: line.slice(10), to: [] }; sock.write('250 OK\r\n'); }
        else if (cmd === 'RCPT') {
          const refusal = opts.reject && opts.reject(line.slice(8).replace(/[<>]/g, ''));
          if (refusal) sock.write(refusal + '\r\n');
          else { mail.to.push(line.slice(8)); sock.write('250 OK\r\n'); }
        }
        else if (cmd === 'DATA') { inData = true; sock.write('354 go on\r\n'); }
        else if (cmd === 'QUIT') { sock.end('221 bye\r\n'); return; }
        else sock.write('250 OK\r\n');
      }
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        mails,
        next: (ms = 10000) => new Promise((res, rej) => {
          const t = setTimeout(() => rej(new Error('no mail arrived')), ms);
          waiting.push((m) => { clearTimeout(t); res(m); });
        }),
        // The i-th mail (counted from 0), whether it came already or is
        // still to come: next() misses one that arrives before it is
        // called, which a server quick to send can do.
        at: async (i, ms = 10000) => {
          const end = Date.now() + ms;
          while (mails.length <= i) {
            if (Date.now() > end) throw new Error(`mail ${i} did not arrive (${mails.length} did)`);
            await new Promise((r) => setTimeout(r, 20));
          }
          return mails[i];
        },
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

// Splits a message into {headers: Map(lower-case name -> unfolded raw value), body}.
export function parseMail(data) {
  const i = data.indexOf('\r\n\r\n');
  const head = data.slice(0, i).replace(/\r\n[ \t]/g, ' ');
  const headers = new Map();
  for (const line of head.split('\r\n')) {
    const c = line.indexOf(':');
    headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
  }
  return { headers, body: data.slice(i + 4) };
}

// Decodes RFC 2047 encoded words (B and Q, UTF-8); whitespace between two
// encoded words goes, as the RFC says.
export function decode2047(v) {
  return v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (m, enc, text) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (x, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}
