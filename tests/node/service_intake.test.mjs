// End-to-end test of `grader serve` (docs/service.md): the real build/grader on a loopback port
// with a temporary data directory and configuration, signed by an independent Standard
// Webhooks implementation (npm standardwebhooks). Covers intake's answers, grading by the
// supervised workers, kill -9 of a worker mid-grade and of the whole service, and SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startServe } from './serve_process.mjs';

const binary = process.env.GRADER_BINARY;
const sourceDir = process.env.GRADER_SOURCE_DIR;
assert.ok(binary && sourceDir, 'GRADER_BINARY and GRADER_SOURCE_DIR must be set (ctest sets them)');

const secretA = 'whsec_' + randomBytes(24).toString('base64');
const secretB = 'whsec_' + randomBytes(24).toString('base64');  // rotation: both accepted
const token = randomBytes(16).toString('hex');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-serve-'));
const dataDir = path.join(tmp, 'data');
const problemsDir = path.join(tmp, 'problems');
const configPath = path.join(tmp, 'service.toml');
const solution = fs.readFileSync(path.join(sourceDir, 'problems/relu/solution.cpp'), 'utf8');
const mistake = fs.readFileSync(
    path.join(sourceDir, 'problems/relu/mistakes/forward_abs.cpp'), 'utf8');

let service = null;  // {child, base, exited}

// A small problems folder (relu and its prerequisite): the service loads every pack at start.
function writeFixture() {
  fs.mkdirSync(problemsDir);
  for (const id of ['relu', 'linear_forward']) {
    fs.symlinkSync(path.join(sourceDir, 'problems', id), path.join(problemsDir, id));
  }
  fs.copyFileSync(path.join(sourceDir, 'problems/skills.toml'),
                  path.join(problemsDir, 'skills.toml'));
  fs.writeFileSync(path.join(tmp, 'intake.secret'), `${secretA}\n${secretB}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(tmp, 'api.token'), token + '\n', { mode: 0o600 });
  fs.writeFileSync(configPath, [
    'listen = "127.0.0.1:0"', 'workers = 2', 'webhook_secret_file = "intake.secret"',
    'api_token_file = "api.token"', 'callback_allow_hosts = ["127.0.0.1"]',
    'max_body_bytes = 65536', 'lease_seconds = 3', 'max_attempts = 5',
    'shutdown_grace_seconds = 60', ''].join('\n'));
}

function startService() {
  return startServe(binary, { dataDir, problemsDir, configPath });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function signedHeaders(id, body, { secret = secretA, when = new Date() } = {}) {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, when, body),
  };
}

function newId() { return 'msg_' + randomBytes(12).toString('hex'); }

// A unique source each time (a comment), so that a grading is a real compile, not a cache hit.
function unique(source) { return source + `\n// ${randomBytes(8).toString('hex')}\n`; }

async function submit(fields, options = {}) {
  const id = options.id ?? newId();
  const body = options.rawBody ?? JSON.stringify({ problem: 'relu', learner: 'ada', ...fields });
  const headers = { ...signedHeaders(id, body, options), ...(options.headers ?? {}) };
  const res = await fetch(service.base + '/v1/submissions',
                          { method: 'POST', headers, body: options.sendBody ?? body });
  return { status: res.status, json: await res.json(), headers: res.headers, id };
}

async function getJson(url, bearer = token) {
  const res = await fetch(service.base + url, { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, json: await res.json() };
}

async function waitFinished(id, timeoutMs = 240000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, json } = await getJson(`/v1/submissions/${id}`);
    assert.equal(status, 200);
    if (json.status !== 'queued' && json.status !== 'running') return json;
    assert.ok(Date.now() < deadline, `submission ${id} still ${json.status}`);
    await sleep(100);
  }
}

function cli(...args) {
  return execFileSync(binary, ['--data-dir', dataDir, '--problems', problemsDir, ...args],
                      { encoding: 'utf8' });
}

function attempts(learner) {
  const shown = JSON.parse(cli('learner', 'show', learner, '--json'));
  return shown.problems.find((p) => p.problem === 'relu').attempts;
}

async function restart() {
  service = await startService();
}

before(async () => {
  writeFixture();
  service = await startService();
});

after(async () => {
  if (service && service.child.exitCode === null) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a signed submission is accepted (202) and graded with full score', async () => {
  const r = await submit({ source: solution, learner: 'ada' });
  assert.equal(r.status, 202, JSON.stringify(r.json));
  assert.equal(typeof r.json.submission_id, 'number');
  assert.equal(r.json.status_url, `${service.base}/v1/submissions/${r.json.submission_id}`);
  const done = await waitFinished(r.json.submission_id);
  assert.equal(done.status, 'graded');
  assert.ok(done.result.max_score > 0);
  assert.equal(done.result.score, done.result.max_score);
});

test('a known mistake scores less', async () => {
  const r = await submit({ source: mistake, learner: 'bob' });
  assert.equal(r.status, 202);
  const done = await waitFinished(r.json.submission_id);
  assert.equal(done.status, 'graded');
  assert.ok(done.result.score < done.result.max_score);
});

test('signatures: tampered body, wrong secret, stale timestamp are 401; rotated secrets both 202',
     async () => {
  const body = JSON.stringify({ problem: 'relu', learner: 'ada', source: solution });
  let r = await submit({}, { rawBody: body, sendBody: body.replace('ada', 'eve') });
  assert.equal(r.status, 401);
  r = await submit({ source: solution }, { secret: 'whsec_' + randomBytes(24).toString('base64') });
  assert.equal(r.status, 401);
  r = await submit({ source: solution }, { when: new Date(Date.now() - 10 * 60 * 1000) });
  assert.equal(r.status, 401);
  assert.match(r.json.error, /timestamp/);
  for (const secret of [secretA, secretB]) {
    r = await submit({ source: solution, learner: 'rot' }, { secret });
    assert.equal(r.status, 202, JSON.stringify(r.json));
  }
});

test('a repeated webhook-id returns the original submission (200) and creates nothing', async () => {
  const first = await submit({ source: solution, learner: 'dup' });
  assert.equal(first.status, 202);
  const again = await submit({ source: solution, learner: 'dup' }, { id: first.id });
  assert.equal(again.status, 200);
  assert.equal(again.json.submission_id, first.json.submission_id);
  assert.equal(again.json.duplicate, true);
  await waitFinished(first.json.submission_id);
  assert.equal(attempts('dup'), 1);
});

test('malformed requests: 413, 400 naming the field, 415, 422', async () => {
  let r = await submit({ source: 'x'.repeat(70000) });
  assert.equal(r.status, 413);
  r = await submit({}, { rawBody: '{"problem": "relu",' });
  assert.equal(r.status, 400);
  r = await submit({ source: undefined });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'source: missing');
  r = await submit({ source: 42 });
  assert.equal(r.json.error, 'source: must be a string');
  r = await submit({ source: solution }, { headers: { 'content-type': 'text/plain' } });
  assert.equal(r.status, 415);
  r = await submit({ source: solution, problem: 'no_such_problem' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /^problem: unknown problem/);
  r = await submit({ source: solution, learner: 'bad\u0007name' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /^learner: /);
  r = await submit({ source: '#include "/etc/passwd"\n' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /^source: /);
  r = await submit({ source: solution, callback_url: 'http://evil.example.com/hook' });
  assert.equal(r.status, 422);
  assert.match(r.json.error, /^callback_url: /);
});

test('reading needs the bearer token; learner endpoints and /metrics answer', async () => {
  let res = await fetch(service.base + '/v1/submissions/1');
  assert.equal(res.status, 401);
  assert.equal((await getJson('/v1/submissions/1', 'wrong')).status, 401);
  assert.equal((await getJson('/v1/submissions/999999')).status, 404);
  const learner = await getJson('/v1/learners/ada');
  assert.equal(learner.status, 200);
  assert.equal(learner.json.learner, 'ada');
  const recs = await getJson('/v1/learners/ada/recommendations');
  assert.equal(recs.status, 200);
  assert.ok(Array.isArray(recs.json.recommendations));
  assert.equal((await fetch(service.base + '/healthz')).status, 200);
  res = await fetch(service.base + '/readyz');
  assert.equal(res.status, 200, await res.text());
  const metrics = await (await fetch(service.base + '/metrics')).text();
  for (const family of ['grader_http_requests_total', 'grader_queue_depth', 'grader_jobs',
                        'grader_grading_seconds_bucket', 'grader_deliveries_total',
                        'grader_dead_letters']) {
    assert.match(metrics, new RegExp(`^# TYPE ${family.replace('_bucket', '')} `, 'm'), family);
  }
  assert.match(metrics, /grader_http_requests_total\{route="POST \/v1\/submissions",code="202"\}/);
});

function workerPids() {
  try {
    return execFileSync('pgrep', ['-P', String(service.child.pid)], { encoding: 'utf8' })
        .trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

test('kill -9 of the workers mid-grade: the job is graded exactly once', async () => {
  const r = await submit({ source: unique(solution), learner: 'crash' });
  assert.equal(r.status, 202);
  const id = r.json.submission_id;
  for (;;) {  // until a worker holds it
    const { json } = await getJson(`/v1/submissions/${id}`);
    if (json.status === 'running') break;
    assert.equal(json.status, 'queued', 'graded before the kill: too fast to test');
    await sleep(20);
  }
  const pids = workerPids();
  assert.equal(pids.length, 2);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  // Not ready while the supervisor waits to restart them (1 s backoff).
  let ready = null;
  for (let i = 0; i < 20; ++i) {
    const res = await fetch(service.base + '/readyz');
    ready = { status: res.status, json: await res.json() };
    if (res.status === 503) break;
    await sleep(50);
  }
  assert.equal(ready.status, 503);
  assert.match(ready.json.reason, /^worker \d is restarting$/);
  const done = await waitFinished(id);
  assert.equal(done.status, 'graded');
  assert.equal(done.result.score, done.result.max_score);
  assert.equal(attempts('crash'), 1);
  // The supervisor restarted them (backoff 1 s).
  for (let i = 0; i < 100 && workerPids().length < 2; ++i) await sleep(100);
  assert.equal(workerPids().length, 2);
});

test('kill -9 of the service with jobs queued: after a restart each is graded once', async () => {
  const accepted = [];
  for (let i = 0; i < 4; ++i) {
    const r = await submit({ source: unique(i % 2 ? mistake : solution), learner: `k${i}` });
    assert.equal(r.status, 202);
    accepted.push(r);
  }
  service.child.kill('SIGKILL');
  await service.exited;
  await restart();
  // A repeated id is still a duplicate after the restart.
  const again = await submit({ source: solution, learner: 'k0' }, { id: accepted[0].id });
  assert.equal(again.status, 200);
  assert.equal(again.json.submission_id, accepted[0].json.submission_id);
  for (const [i, r] of accepted.entries()) {
    const done = await waitFinished(r.json.submission_id);
    assert.equal(done.status, 'graded');
    assert.equal(attempts(`k${i}`), 1);
  }
});

test('SIGTERM: intake answers 503, the running job finishes, exit code 0', async () => {
  const r = await submit({ source: unique(solution), learner: 'term' });
  assert.equal(r.status, 202);
  for (;;) {  // until a worker holds it
    const { json } = await getJson(`/v1/submissions/${r.json.submission_id}`);
    if (json.status === 'running') break;
    await sleep(20);
  }
  service.child.kill('SIGTERM');
  await sleep(200);
  const refused = await submit({ source: solution, learner: 'late' });
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '5');
  const { code, signal } = await service.exited;
  assert.equal(signal, null);
  assert.equal(code, 0, service.stderr());
  assert.equal(workerPids().length, 0);
  assert.equal(attempts('term'), 1);  // finished within the grace period, recorded once
});
