// Where VT Code keeps its files, found without being told (`--vtcode`). The rules are VT Code's own
// (vinhnx/VTCode):
// - sessions directory (session archives `session-*.json` and debug logs `debug-*.log`): `$VT_SESSION_DIR`
//   when set (vtcode-core/src/utils/session_archive.rs, src/main_helpers/debug_logs.rs), else
//   `<state>/sessions` where `<state>` is `$XDG_STATE_HOME/vtcode` (only on XDG platforms and only
//   when absolute) or `~/.local/state/vtcode`; on macOS `~/Library/Application Support/
//   com.vinhnx.vtcode/state` whatever XDG_STATE_HOME says; on Windows `%APPDATA%\vinhnx\vtcode\state`
//   (vtcode paths module: native_roots / xdg_app_dir);
// - the legacy global directory `~/.vtcode` (or `$VTCODE_HOME`): `sessions/` and `logs/`, where older
//   versions wrote (vtcode-core/src/utils/dot_config.rs);
// - per workspace, `<workspace>/.vtcode/logs`: `trajectory.jsonl` and the rotated
//   `trajectory-<YYYYMMDDTHHMMSSZ>.jsonl` (vtcode-core/src/core/trajectory.rs).
import { promises as fsp, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

export interface VtcodeLocation {
  path: string;
  why: string;
}

export interface VtcodeLocationOptions {
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  /** The workspace whose `.vtcode/logs` holds trajectories (the caller passes the current directory
   * by default); null for none. */
  workspace: string | null;
}

/** The VT Code directories that exist, in the order they are listed above, each once. */
export function vtcodeLocations(opts: VtcodeLocationOptions): VtcodeLocation[] {
  const { env, home, platform, workspace } = opts;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const base = workspace ?? process.cwd();
  const candidates: VtcodeLocation[] = [];

  const sessionDir = envValue(env, 'VT_SESSION_DIR');
  if (sessionDir !== null) {
    candidates.push({ path: p.resolve(base, sessionDir), why: 'sessions directory ($VT_SESSION_DIR)' });
  } else {
    const state = stateDir(env, home, platform);
    candidates.push({ path: p.join(state.path, 'sessions'), why: `sessions directory (${state.why}/sessions)` });
  }

  const vtcodeHome = envValue(env, 'VTCODE_HOME');
  const legacy = vtcodeHome !== null && p.isAbsolute(vtcodeHome) ? vtcodeHome : p.join(home, '.vtcode');
  const legacyWhy = legacy === vtcodeHome ? '$VTCODE_HOME' : '~/.vtcode';
  candidates.push({ path: p.join(legacy, 'sessions'), why: `legacy sessions directory (${legacyWhy}/sessions)` });
  candidates.push({ path: p.join(legacy, 'logs'), why: `legacy logs directory (${legacyWhy}/logs)` });

  if (workspace !== null) {
    candidates.push({ path: p.join(p.resolve(workspace), '.vtcode', 'logs'), why: 'workspace trajectories (<workspace>/.vtcode/logs)' });
  }

  const found: VtcodeLocation[] = [];
  const byKey = new Map<string, VtcodeLocation>();
  for (const c of candidates) {
    if (!isDirectory(c.path)) continue;
    const key = realKey(c.path);
    const seen = byKey.get(key);
    if (seen) {
      seen.why += `; ${c.why}`;
      continue;
    }
    const loc = { ...c };
    byKey.set(key, loc);
    found.push(loc);
  }
  return found;
}

/** VT Code's state root for the platform. */
function stateDir(env: NodeJS.ProcessEnv, home: string, platform: NodeJS.Platform): { path: string; why: string } {
  if (platform === 'darwin') {
    return {
      path: path.posix.join(home, 'Library', 'Application Support', 'com.vinhnx.vtcode', 'state'),
      why: '~/Library/Application Support/com.vinhnx.vtcode/state',
    };
  }
  if (platform === 'win32') {
    const appData = envValue(env, 'APPDATA') ?? path.win32.join(home, 'AppData', 'Roaming');
    return { path: path.win32.join(appData, 'vinhnx', 'vtcode', 'state'), why: '%APPDATA%\\vinhnx\\vtcode\\state' };
  }
  const xdg = envValue(env, 'XDG_STATE_HOME');
  if (xdg !== null && path.posix.isAbsolute(xdg)) {
    return { path: path.posix.join(xdg, 'vtcode'), why: '$XDG_STATE_HOME/vtcode' };
  }
  return { path: path.posix.join(home, '.local', 'state', 'vtcode'), why: '~/.local/state/vtcode' };
}

/** An environment variable's value, trimmed; null when unset or blank (VT Code ignores those). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name];
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realKey(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

// ---------------------------------------------------------------------------------------------

const MAX_DEPTH = 8;
const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** A file name VT Code gives one of its artifacts: a debug log (current or rotated
 * `debug-<id>-rotated-<ms>-<pid>.log`), a session archive, a trajectory (current or rotated). */
export function isVtcodeArtifact(name: string): boolean {
  return (
    /^debug-.+\.log$/i.test(name) ||
    /^session-.+\.json$/i.test(name) ||
    /^trajectory(?:-.+)?\.jsonl$/i.test(name)
  );
}

/** The VT Code artifacts in these directories (and their subdirectories; symbolic links are not
 * followed), each once, sorted. A debug log's rotated parts sort before the current part. */
export async function vtcodeFiles(locations: ReadonlyArray<{ path: string }>): Promise<string[]> {
  const out = new Set<string>();
  const visited = new Set<string>();
  for (const loc of locations) await walk(loc.path, 0, out, visited);
  return [...out].sort();
}

async function walk(dir: string, depth: number, out: Set<string>, visited: Set<string>): Promise<void> {
  const key = realKey(dir);
  if (visited.has(key)) return;
  visited.add(key);
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return; // gone or unreadable: nothing to list
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name)) await walk(full, depth + 1, out, visited);
    } else if (e.isFile() && isVtcodeArtifact(e.name)) {
      out.add(full);
    }
  }
}
