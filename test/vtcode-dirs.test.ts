// vtcodeLocations / vtcodeFiles: VT Code's directories found from HOME, XDG_STATE_HOME, VT_SESSION_DIR
// (temp directories), per platform; exactly the VT Code files placed there are listed.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isVtcodeArtifact, vtcodeFiles, vtcodeLocations } from '../src/ingest/vtcode-dirs.js';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A fresh temp tree with these files (relative paths) written. */
function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'vtcode-dirs-'));
  roots.push(root);
  for (const f of files) {
    const p = join(root, f);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, '{}\n');
  }
  return root;
}

// What VT Code writes, and what it does not.
const SESSION_FILES = [
  'debug-session-myapp-20261120t140000z_123456-04242.log',
  'debug-session-myapp-20261120t140000z_123456-04242-rotated-1795185000120-4317.log',
  'debug-cmd-ask-1795182000000-3131.log',
  'session-myapp-20261120T140000Z_123456-04242.json',
  'session-other-20261120T150000Z-fork.json',
];
const DECOYS = ['notes.txt', 'debug.log', 'config.toml', 'session.json', 'other.json', 'trajectory.json', '.session-x.json.4242.1.0.tmp', 'debug-x.log.gz'];

async function found(opts: Parameters<typeof vtcodeLocations>[0]) {
  const locations = vtcodeLocations(opts);
  return { locations, files: await vtcodeFiles(locations) };
}

describe('linux', () => {
  test('VT_SESSION_DIR wins over XDG_STATE_HOME and HOME; legacy and workspace directories too', async () => {
    const root = tree([
      ...SESSION_FILES.map((f) => `vt-sessions/${f}`),
      ...DECOYS.map((f) => `vt-sessions/${f}`),
      'xdg/vtcode/sessions/session-ignored-20261120T000000Z_000001-00001.json',
      'home/.local/state/vtcode/sessions/debug-ignored.log',
      'home/.vtcode/sessions/session-legacy-20250101T000000Z_000001-00001.json',
      'home/.vtcode/logs/trajectory-20250101T000000Z.jsonl',
      'home/.vtcode/logs/vtcode.log',
      'home/.vtcode/cache/session-cached.json',
      'ws/.vtcode/logs/trajectory.jsonl',
      'ws/.vtcode/logs/trajectory-20261120T140000Z.jsonl',
      'ws/.vtcode/logs/tool-output.txt',
      'ws/.vtcode/sessions/session-not-read.json',
      'ws/src/debug-not-read.log',
    ]);
    const { locations, files } = await found({
      env: { VT_SESSION_DIR: join(root, 'vt-sessions'), XDG_STATE_HOME: join(root, 'xdg') },
      home: join(root, 'home'),
      platform: 'linux',
      workspace: join(root, 'ws'),
    });
    assert.deepEqual(
      locations.map((l) => l.path),
      [join(root, 'vt-sessions'), join(root, 'home/.vtcode/sessions'), join(root, 'home/.vtcode/logs'), join(root, 'ws/.vtcode/logs')],
    );
    assert.match(locations[0].why, /VT_SESSION_DIR/);
    assert.match(locations[3].why, /workspace/);
    assert.deepEqual(
      files,
      [
        ...SESSION_FILES.map((f) => join(root, 'vt-sessions', f)),
        join(root, 'home/.vtcode/sessions/session-legacy-20250101T000000Z_000001-00001.json'),
        join(root, 'home/.vtcode/logs/trajectory-20250101T000000Z.jsonl'),
        join(root, 'ws/.vtcode/logs/trajectory.jsonl'),
        join(root, 'ws/.vtcode/logs/trajectory-20261120T140000Z.jsonl'),
      ].sort(),
    );
  });

  test('a debug log sorts after its rotated parts', async () => {
    const root = tree(SESSION_FILES.map((f) => `s/${f}`));
    const files = await vtcodeFiles([{ path: join(root, 's') }]);
    const rotated = files.findIndex((f) => f.includes('-rotated-'));
    const current = files.findIndex((f) => f.endsWith('04242.log'));
    assert.ok(rotated >= 0 && rotated < current);
  });

  test('XDG_STATE_HOME when VT_SESSION_DIR is not set (or blank)', async () => {
    const root = tree([
      'xdg/vtcode/sessions/debug-a.log',
      'xdg/vtcode/sessions/session-a-20261120T000000Z_000001-00001.json',
      'xdg/vtcode/logs/debug-not-a-sessions-dir.log',
      'home/.local/state/vtcode/sessions/debug-ignored.log',
    ]);
    for (const env of [{ XDG_STATE_HOME: join(root, 'xdg') }, { XDG_STATE_HOME: join(root, 'xdg'), VT_SESSION_DIR: '  ' }]) {
      const { locations, files } = await found({ env, home: join(root, 'home'), platform: 'linux', workspace: null });
      assert.deepEqual(locations.map((l) => l.path), [join(root, 'xdg/vtcode/sessions')]);
      assert.match(locations[0].why, /XDG_STATE_HOME/);
      assert.deepEqual(files, [join(root, 'xdg/vtcode/sessions/debug-a.log'), join(root, 'xdg/vtcode/sessions/session-a-20261120T000000Z_000001-00001.json')]);
    }
  });

  test('~/.local/state/vtcode/sessions without XDG_STATE_HOME, or with a relative one', async () => {
    const root = tree(['home/.local/state/vtcode/sessions/debug-a.log', 'rel/vtcode/sessions/debug-b.log']);
    for (const env of [{}, { XDG_STATE_HOME: '' }, { XDG_STATE_HOME: 'rel' }]) {
      const { files } = await found({ env, home: join(root, 'home'), platform: 'linux', workspace: root });
      assert.deepEqual(files, [join(root, 'home/.local/state/vtcode/sessions/debug-a.log')], JSON.stringify(env));
    }
  });

  test('a relative VT_SESSION_DIR is taken from the workspace', async () => {
    const root = tree(['ws/my-sessions/debug-a.log']);
    const { files } = await found({ env: { VT_SESSION_DIR: 'my-sessions' }, home: join(root, 'home'), platform: 'linux', workspace: join(root, 'ws') });
    assert.deepEqual(files, [join(root, 'ws/my-sessions/debug-a.log')]);
  });

  test('VTCODE_HOME moves the legacy directory', async () => {
    const root = tree(['vth/sessions/session-a-1.json', 'vth/logs/debug-a.log', 'home/.vtcode/sessions/session-b-1.json']);
    const { locations, files } = await found({ env: { VTCODE_HOME: join(root, 'vth') }, home: join(root, 'home'), platform: 'linux', workspace: null });
    assert.deepEqual(locations.map((l) => l.path), [join(root, 'vth/sessions'), join(root, 'vth/logs')]);
    assert.deepEqual(files, [join(root, 'vth/logs/debug-a.log'), join(root, 'vth/sessions/session-a-1.json')]);
  });

  test('nothing there: no locations, no files', async () => {
    const root = tree([]);
    const { locations, files } = await found({ env: { XDG_STATE_HOME: join(root, 'nope') }, home: join(root, 'home'), platform: 'linux', workspace: join(root, 'ws') });
    assert.deepEqual(locations, []);
    assert.deepEqual(files, []);
  });

  test('no workspace: no trajectories', async () => {
    const root = tree(['home/.local/state/vtcode/sessions/debug-a.log', 'ws/.vtcode/logs/trajectory.jsonl']);
    const { files } = await found({ env: {}, home: join(root, 'home'), platform: 'linux', workspace: null });
    assert.deepEqual(files, [join(root, 'home/.local/state/vtcode/sessions/debug-a.log')]);
  });

  test('a directory reached twice is listed once (workspace = home; VT_SESSION_DIR = the legacy directory)', async () => {
    const root = tree(['home/.vtcode/logs/trajectory.jsonl', 'home/.vtcode/sessions/debug-a.log']);
    const home = join(root, 'home');
    const { locations, files } = await found({ env: { VT_SESSION_DIR: join(home, '.vtcode/sessions') }, home, platform: 'linux', workspace: home });
    assert.deepEqual(locations.map((l) => l.path), [join(home, '.vtcode/sessions'), join(home, '.vtcode/logs')]);
    assert.match(locations[0].why, /VT_SESSION_DIR.*legacy/);
    assert.match(locations[1].why, /legacy.*workspace/);
    assert.deepEqual(files, [join(home, '.vtcode/logs/trajectory.jsonl'), join(home, '.vtcode/sessions/debug-a.log')]);
  });

  test('nested directories are walked; symbolic links are not followed', async () => {
    const root = tree(['s/sub/deeper/session-nested-1.json', 'outside/debug-linked.log', 'outside/dir/debug-in-linked-dir.log']);
    symlinkSync(join(root, 'outside/debug-linked.log'), join(root, 's/debug-link.log'));
    symlinkSync(join(root, 'outside/dir'), join(root, 's/linked-dir'));
    const files = await vtcodeFiles([{ path: join(root, 's') }]);
    assert.deepEqual(files, [join(root, 's/sub/deeper/session-nested-1.json')]);
  });
});

describe('darwin', () => {
  test('~/Library/Application Support/com.vinhnx.vtcode/state/sessions; XDG_STATE_HOME is not used', async () => {
    const root = tree([
      'home/Library/Application Support/com.vinhnx.vtcode/state/sessions/debug-a.log',
      'home/Library/Application Support/com.vinhnx.vtcode/state/sessions/session-a-20261120T000000Z_000001-00001.json',
      'xdg/vtcode/sessions/debug-ignored.log',
      'home/.local/state/vtcode/sessions/debug-ignored.log',
      'home/.vtcode/logs/trajectory.jsonl',
      'ws/.vtcode/logs/trajectory.jsonl',
    ]);
    const { locations, files } = await found({ env: { XDG_STATE_HOME: join(root, 'xdg') }, home: join(root, 'home'), platform: 'darwin', workspace: join(root, 'ws') });
    assert.deepEqual(locations.map((l) => l.path), [
      join(root, 'home/Library/Application Support/com.vinhnx.vtcode/state/sessions'),
      join(root, 'home/.vtcode/logs'),
      join(root, 'ws/.vtcode/logs'),
    ]);
    assert.deepEqual(files, [
      join(root, 'home/.vtcode/logs/trajectory.jsonl'),
      join(root, 'home/Library/Application Support/com.vinhnx.vtcode/state/sessions/debug-a.log'),
      join(root, 'home/Library/Application Support/com.vinhnx.vtcode/state/sessions/session-a-20261120T000000Z_000001-00001.json'),
      join(root, 'ws/.vtcode/logs/trajectory.jsonl'),
    ]);
  });

  test('VT_SESSION_DIR wins on macOS too', async () => {
    const root = tree(['vt/debug-a.log', 'home/Library/Application Support/com.vinhnx.vtcode/state/sessions/debug-b.log']);
    const { files } = await found({ env: { VT_SESSION_DIR: join(root, 'vt') }, home: join(root, 'home'), platform: 'darwin', workspace: null });
    assert.deepEqual(files, [join(root, 'vt/debug-a.log')]);
  });
});

test('artifact names', () => {
  for (const name of [
    'debug-session-x.log', 'debug-cmd-ask-1-2.log', 'debug-session-x-rotated-1795185000120-4317.log',
    'session-myapp-20261120T140000Z_123456-04242.json', 'session-a-20261120T140000Z-custom.json', 'session-x.JSON',
    'trajectory.jsonl', 'trajectory-20261120T140000Z.jsonl',
  ]) assert.equal(isVtcodeArtifact(name), true, name);
  for (const name of [...DECOYS, 'trajectory.jsonl.bak', 'xdebug-a.log', 'sessions.json', 'trajectory_1.jsonl', 'debug-.log']) {
    assert.equal(isVtcodeArtifact(name), false, name);
  }
});
