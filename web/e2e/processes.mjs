// The processes the portal's end-to-end test drives (portal.e2e.mjs): the Mothership server,
// its HTTP API, and simulated devices (e2e/sim_device.py).
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverBin = process.env.MOTHERSHIP_BIN
  ? path.resolve(process.env.MOTHERSHIP_BIN)
  : path.resolve(webDir, '../build/debug/mothership');
export const distDir = path.join(webDir, 'dist');
export const simBin = process.env.MOTHERSHIP_SIM_BIN
  ? path.resolve(process.env.MOTHERSHIP_SIM_BIN)
  : path.join(path.dirname(serverBin), 'mothership-sim');
const pythonPath = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

// ---------------------------------------------------------------------------------------
// Server

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function startServer({ port, dataDir, adminPassword, logFile }) {
  const args = [
    'serve',
    '--data-dir',
    dataDir,
    '--http-listen',
    `127.0.0.1:${port}`,
    '--mqtt-tls-listen',
    '127.0.0.1:0',
    '--web-dir',
    distDir,
  ];
  console.log(`# starting ${serverBin} ${args.join(' ')}`);
  const child = spawn(serverBin, args, {
    env: { ...process.env, MOTHERSHIP_ADMIN_PASSWORD: adminPassword },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.logText = '';
  const keep = (chunk) => {
    if (child.logText.length < 1_000_000) child.logText += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

export async function waitForHealthy(base, child, timeoutMs = 30_000) {
  let exited = null;
  void child.exited.then((e) => {
    exited = e;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited early (code ${exited.code}, signal ${exited.signal})`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(200);
  }
  throw new Error(`GET /healthz did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

/** The port of the MQTT TLS listener, read back from the server's log (it binds port 0). */
export async function tlsPort(child, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /MQTT listening on mqtts:\/\/[^\s:]+:(\d+)/.exec(child.logText);
    if (match) return Number(match[1]);
    if (Date.now() > deadline) throw new Error('the server did not log its MQTT TLS listener');
    await sleep(100);
  }
}

export async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    console.log('# server ignored SIGTERM for 10 s; killing it');
    child.kill('SIGKILL');
    await child.exited;
  }
}

// ---------------------------------------------------------------------------------------
// API and the simulated device

export async function apiLogin(base, username, password) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} over the API: HTTP ${res.status}`);
  return (await res.json()).access_token;
}

export async function apiCall(base, token, method, apiPath, body, contentType = 'application/json') {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = contentType;
  const res = await fetch(`${base}${apiPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

/**
 * Starts e2e/sim_device.py; `next(prefix)` waits for its next line starting with `prefix`
 * (an "error" line fails at once), `stop()` closes its stdin and waits for it.
 */
export function startDevice({ port, caFile, serial, code, logFile }) {
  const script = path.join(webDir, 'e2e', 'sim_device.py');
  // The claim code goes in the environment: a command line is readable by every local user.
  const child = spawn(pythonPath, [script, '--port', String(port), '--ca', caFile, '--serial', serial], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MOTHERSHIP_CLAIM_CODE: code },
  });
  const log = createWriteStream(logFile);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.on('exit', (code_, signal) => resolve({ code: code_, signal })));
  const lines = [];
  let wake = null;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    log.write(`> ${line}\n`);
    lines.push(line);
    wake?.();
  });
  void exited.then(() => wake?.());
  let seen = 0;
  return {
    async next(prefix, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < lines.length) {
          const line = lines[seen++];
          if (line.startsWith('error')) throw new Error(`simulated device: ${line}`);
          if (line.startsWith(prefix)) return line.slice(prefix.length).trim();
        }
        if (child.exitCode !== null) throw new Error(`simulated device exited (${child.exitCode}); see ${logFile}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`simulated device: no "${prefix}" within ${timeoutMs / 1000} s`);
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.min(left, 500));
        });
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Starts mothership-sim: `devices` simulated devices of `model` that import their records and
 * are claimed with the admin's token, stay connected and take firmware jobs (each install takes
 * `installS` seconds) and, with `telemetryIntervalS`, publish telemetry that often. `stop()`
 * sends SIGTERM and waits.
 */
export function startSim({
  base,
  port,
  caFile,
  token,
  dir,
  model,
  serialPrefix,
  devices,
  installS,
  telemetryIntervalS,
  logFile,
}) {
  const tokenFile = path.join(dir, `sim-token-${serialPrefix}`);
  // The token goes in a file of mode 0600: a command line is readable by every local user.
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const args = [
    '--api', base, '--mqtt-tls', `127.0.0.1:${port}`, '--ca', caFile, '--token-file', tokenFile,
    '--state-dir', path.join(dir, `sim-state-${serialPrefix}`), '--devices', String(devices), '--approve', '--hold',
    '--model', model, '--serial-prefix', serialPrefix, '--ota-install-s', String(installS), '--heartbeat-s', '5',
  ];
  if (telemetryIntervalS) args.push('--telemetry-interval-s', String(telemetryIntervalS));
  console.log(`# starting ${simBin} ${args.join(' ')}`);
  const child = spawn(simBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/**
 * Starts a fleet of `devices` simulated devices of `model` (mothership-sim, claimed with the
 * admin's `token`) and waits until all of them are online. Returns the sim (also pushed on
 * `ctx.devices`, so that the run stops it) and the devices as the API lists them.
 */
export async function startOnlineFleet(ctx, { base, token, model, devices, installS = 1, telemetryIntervalS, logFile, timeoutMs = 60_000 }) {
  const caFile = path.join(ctx.tmp, `ca-${model}.pem`);
  writeFileSync(caFile, await (await fetch(`${base}/pki/ca.pem`)).text());
  const sim = startSim({
    base,
    port: await tlsPort(ctx.server),
    caFile,
    token,
    dir: ctx.tmp,
    model,
    serialPrefix: model,
    devices,
    installS,
    telemetryIntervalS,
    logFile,
  });
  ctx.devices.push(sim);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await apiCall(base, token, 'GET', `/api/v1/devices?model=${encodeURIComponent(model)}&status=online`);
    const items = res.body?.items ?? [];
    if (items.length === devices) return { sim, devices: items };
    if (Date.now() > deadline) throw new Error(`${devices} devices of ${model} online within ${timeoutMs / 1000} s (${items.length} are)`);
    await sleep(250);
  }
}

