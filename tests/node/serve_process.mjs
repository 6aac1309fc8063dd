// Starts the real `grader serve` for the service's Node tests: resolves once it prints
// "listening on http://HOST:PORT", with {child, base, exited, stderr}; rejects if it exits first.
// globalArgs: more global options before `serve` (e.g. ['--database', URL]).
import { spawn } from 'node:child_process';

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
