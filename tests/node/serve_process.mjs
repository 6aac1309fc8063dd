// Starts the real `grader serve` for the service's Node tests: resolves once it prints
// "listening on http://HOST:PORT", with {child, base, exited, stderr}; rejects if it exits first.
// globalArgs: more global options before `serve` (e.g. ['--database', URL]).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// Starts a loopback peer, `node tests/node/SCRIPT options` (callback_receiver.mjs,
// lti_platform.mjs), and resolves with {child, port} from its first line.
export function startPeer(script, options) {
  const child = spawn(process.execPath, [path.join(here, script), JSON.stringify(options)],
                      { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve({ child, port: JSON.parse(out.split('\n')[0]).port });
    });
    child.on('exit', (code) => reject(new Error(`${script} exited ${code}`)));
  });
}

export function startServe(binary, { dataDir, problemsDir, configPath, globalArgs = [] }) {
  const child = spawn(binary, ['--data-dir', dataDir, '--problems', problemsDir, ...globalArgs, 'serve',
                               '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)\n/);
      if (m) resolve({ child, base: m[1], exited, stderr: () => stderr });
    });
    exited.then(({ code }) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

// Polls `check` every 100 ms until it returns a truthy value, which it resolves with; fails the
// test after timeoutMs.
export async function waitFor(what, check, timeoutMs = 240000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
