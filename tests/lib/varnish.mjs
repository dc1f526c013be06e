// A real Varnish (Debian's varnishd with varnish-modules' xkey) started
// from the shipped docs/varnish.vcl, its two backends (written there as
// ports 8080 and 8081) replaced by the test's nodes. Used by the edge,
// restart and cluster tests and by bench/varnish.sh's driver.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort, root, until } from './khabar.mjs';

export const varnishd = ['/usr/sbin/varnishd', '/usr/bin/varnishd'].find((p) => spawnSync(p, ['-V']).status === 0);
export const noVarnish = !varnishd && 'varnishd is not installed (scripts/deps installs varnish and varnish-modules)';

// Starts Varnish in dir, listening on port (default: a free one), in
// front of the nodes on ports [p1, p2] (one port serves as both). Returns
// {port, base, stop(), log()} once it answers /healthz with 200.
export async function startVarnish(dir, ports, port = null) {
  const [p1, p2 = p1] = ports;
  port = port || await freePort();
  const vcl = readFileSync(path.join(root, 'docs', 'varnish.vcl'), 'utf8');
  assert.match(vcl, /\.port = "8080";/);
  assert.match(vcl, /\.port = "8081";/);
  writeFileSync(path.join(dir, 'site.vcl'), vcl.replace(/"8080"/g, `"${p1}"`).replace(/"8081"/g, `"${p2}"`));
  mkdirSync(path.join(dir, 'varnish'), { recursive: true });
  const args = ['-F', '-a', `127.0.0.1:${port}`, '-f', path.join(dir, 'site.vcl'), '-n', path.join(dir, 'varnish'), '-s', 'malloc,64m'];
  if (process.getuid?.() === 0) args.push('-j', 'none');
  let out = '';
  const child = spawn(varnishd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const base = `http://127.0.0.1:${port}`;
  await until('Varnish answering', async () => {
    if (child.exitCode !== null) throw new Error(`varnishd exited: ${out}`);
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  }, 15000);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
  };
  return { port, base, child, stop, log: () => out };
}
