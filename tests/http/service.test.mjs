// scripts/khabar.service: systemd's own checks of the unit. Debian's
// systemd-analyze verifies it offline (no running systemd needed); the
// ExecStart binary must exist, so the unit is checked with its path
// pointing at the build. verify prints problems it "ignores" yet exits 0,
// so any output at all fails the test. systemd-analyze security rates its
// hardening offline too.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { bin, root, tempDir } from '../lib/khabar.mjs';

const unit = readFileSync(path.join(root, 'scripts/khabar.service'), 'utf8');

test('systemd-analyze verify passes with nothing to say', () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'khabar.service');
    writeFileSync(file, unit.replaceAll('/usr/local/bin/khabar', bin));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout + r.stderr, '', 'no warnings');
    const s = spawnSync('systemd-analyze', ['security', '--offline=yes', file], { encoding: 'utf8' });
    const m = /Overall exposure level for khabar\.service: ([\d.]+)/.exec(s.stdout);
    assert.ok(m, s.stdout + s.stderr);
    console.log(`# systemd-analyze security: exposure ${m[1]}`);
    assert.ok(Number(m[1]) <= 3, `exposure ${m[1]} (0 safest, 10 none)`);
  } finally {
    t.remove();
  }
});

test('the unit has the hardening the deployment relies on', () => {
  for (const line of ['User=khabar', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/khabar /var/log/khabar',
    'PrivateTmp=yes', 'NoNewPrivileges=yes', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'Restart=on-failure',
    'ExecReload=/bin/kill -HUP $MAINPID'])
    assert.ok(unit.split('\n').includes(line), line);
});
