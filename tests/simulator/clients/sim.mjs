// Node 20 helper: spawn the erasekit-sim binary, wait for its URL, drive its control plane.
//
//   import { startSimulator } from '../../tests/simulator/clients/sim.mjs';
//   const sim = await startSimulator({ config: { rate_limits: { redact: 5 } } });
//   await sim.control.seed({ records: [{ product: 'sms', id: 'ABC', age_ms: 7200000 }] });
//   ... fetch(`${sim.baseUrl}/v1/redact/transaction`, ...) ...
//   await sim.stop();
//
// The binary is ERASEKIT_SIM_BIN, else the newer of target/debug/erasekit-sim and
// target/release/erasekit-sim under the repository root; when neither exists it is built with
// `cargo build -p erasekit-sim` (pass { build: false } to fail instead).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The repository root (three levels above this file). */
export const REPO_ROOT = resolve(HERE, '..', '..', '..');
/** The simulator's default credentials and application. */
export const DEFAULT_API_KEY = 'sim-key';
export const DEFAULT_API_SECRET = 'sim-secret';
export const DEFAULT_APPLICATION_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab';

const EXE = process.platform === 'win32' ? 'erasekit-sim.exe' : 'erasekit-sim';

/** The binary to run, or null when none is built. */
export function findSimulatorBinary() {
  if (process.env.ERASEKIT_SIM_BIN) return process.env.ERASEKIT_SIM_BIN;
  const candidates = ['debug', 'release']
    .map((profile) => join(REPO_ROOT, 'target', profile, EXE))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0] ?? null;
}

function buildSimulator() {
  const r = spawnSync('cargo', ['build', '-p', 'erasekit-sim'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('cargo build -p erasekit-sim failed');
}

async function call(baseUrl, method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(`${baseUrl}/_sim${path}`, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`simulator ${method} /_sim${path} -> ${res.status}: ${text}`);
  return data;
}

/** Small fetch helpers for the /_sim/ control plane of the simulator at `baseUrl`. */
export function controlClient(baseUrl) {
  const q = (params) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null) s.set(k, String(v));
    const t = s.toString();
    return t ? `?${t}` : '';
  };
  return {
    health: () => call(baseUrl, 'GET', '/health'),
    seed: (doc) => call(baseUrl, 'POST', '/seed', doc),
    generate: (params) => call(baseUrl, 'POST', '/generate', params),
    records: (params) => call(baseUrl, 'GET', `/records${q(params)}`),
    record: (product, id, type) => call(baseUrl, 'GET', `/records${q({ product, id, type })}`).then((r) => r.record),
    clock: () => call(baseUrl, 'GET', '/clock').then((r) => r.now_ms),
    setClock: (nowMs) => call(baseUrl, 'POST', '/clock', { now_ms: nowMs }).then((r) => r.now_ms),
    advanceClock: (ms) => call(baseUrl, 'POST', '/clock', { advance_ms: ms }).then((r) => r.now_ms),
    state: () => call(baseUrl, 'GET', '/state'),
    log: (params) => call(baseUrl, 'GET', `/log${q(params)}`),
    clearLog: () => call(baseUrl, 'DELETE', '/log'),
    faults: () => call(baseUrl, 'GET', '/faults'),
    setFaults: (plan) => call(baseUrl, 'POST', '/faults', plan),
    clearFaults: () => call(baseUrl, 'DELETE', '/faults'),
    settings: (patch) => (patch ? call(baseUrl, 'POST', '/settings', patch) : call(baseUrl, 'GET', '/settings')),
    reset: () => call(baseUrl, 'POST', '/reset', {}),
    // Reports modes: a merge over the `reports` settings (filter_match, prefix_len, next_link,
    // foreign_base, max_window_ms, metadata_ttl_ms, archive, ...); no patch reads them.
    reportsModes: (patch) =>
      patch ? call(baseUrl, 'POST', '/reports/modes', patch) : call(baseUrl, 'GET', '/reports/modes'),
    // Endings for the next asynchronous reports: [{ outcome: 'FAILED' | 'ABORTED' | 'TRUNCATED' |
    // 'SUCCESS', product?, direction?, truncate_at?, pending_ms?, processing_ms? }]; answers the queue.
    scriptReports: (entries) => call(baseUrl, 'POST', '/reports/script', { reports: entries }).then((r) => r.reports),
    reportScript: () => call(baseUrl, 'GET', '/reports/script').then((r) => r.reports),
    clearReportScript: () => call(baseUrl, 'DELETE', '/reports/script'),
    // Message Search modes: a merge over the `search` settings (availability, empty_as_object,
    // single_as_object, price_as_string, carrier_status); no patch reads them.
    searchModes: (patch) =>
      patch ? call(baseUrl, 'POST', '/search/modes', patch) : call(baseUrl, 'GET', '/search/modes'),
  };
}

/**
 * Starts the simulator.
 * @param {object} [opts]
 * @param {object} [opts.config]     configuration object (written to a temporary JSON file)
 * @param {string} [opts.configPath] an existing JSON configuration file
 * @param {string} [opts.bin]        binary to run (default: see findSimulatorBinary)
 * @param {boolean} [opts.build]     build the binary when missing (default true)
 * @param {number} [opts.timeoutMs]  how long to wait for the URL line (default 30000)
 * @returns {Promise<{baseUrl: string, apiKey: string, apiSecret: string, applicationId: string,
 *   pid: number, control: ReturnType<typeof controlClient>, stop: () => Promise<void>}>}
 */
export async function startSimulator(opts = {}) {
  let bin = opts.bin ?? findSimulatorBinary();
  if (!bin && opts.build !== false) {
    buildSimulator();
    bin = findSimulatorBinary();
  }
  if (!bin) throw new Error('erasekit-sim is not built: run `cargo build -p erasekit-sim` or set ERASEKIT_SIM_BIN');
  const args = ['--listen', '127.0.0.1:0'];
  let tmp = null;
  if (opts.config) {
    tmp = mkdtempSync(join(tmpdir(), 'erasekit-sim-'));
    const path = join(tmp, 'sim.json');
    writeFileSync(path, JSON.stringify(opts.config));
    args.push('--config', path);
  } else if (opts.configPath) {
    args.push('--config', opts.configPath);
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-8192);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const cleanup = () => {
    process.removeListener('exit', killOnExit);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
  let baseUrl;
  try {
    baseUrl = await new Promise((resolveUrl, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`erasekit-sim printed no URL within ${opts.timeoutMs ?? 30000} ms`)), opts.timeoutMs ?? 30000);
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) {
          clearTimeout(timer);
          resolveUrl(m[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`erasekit-sim exited with ${code} before listening: ${stderr}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } catch (e) {
    child.kill('SIGKILL');
    cleanup();
    throw e;
  }
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      cleanup();
      return;
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    cleanup();
  };
  return {
    baseUrl,
    apiKey: DEFAULT_API_KEY,
    apiSecret: DEFAULT_API_SECRET,
    applicationId: DEFAULT_APPLICATION_ID,
    pid: child.pid,
    control: controlClient(baseUrl),
    stop,
  };
}
