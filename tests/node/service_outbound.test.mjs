// End-to-end test of what leaves `grader serve` (docs/service-outbox.md): a signed submission
// graded by the real service, its callback checked by npm `standardwebhooks` in a receiver that
// fails twice first, and its LTI score posted to a platform double that verifies our client
// assertion with npm `jose` against the service's own /.well-known/jwks.json. Then token
// expiry and a 401 refresh, and kill -9 of the whole service with jobs queued and callbacks
// pending: after a restart every submission is graded once and every callback delivered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startPeer as startLoopbackPeer, startServe, waitFor } from './serve_process.mjs';

const binary = process.env.GRADER_BINARY;
const sourceDir = process.env.GRADER_SOURCE_DIR;
assert.ok(binary && sourceDir, 'GRADER_BINARY and GRADER_SOURCE_DIR must be set (ctest sets them)');

const intakeSecret = 'whsec_' + randomBytes(24).toString('base64');
const callbackSecret = 'whsec_' + randomBytes(24).toString('base64');
const token = randomBytes(16).toString('hex');
const issuer = 'https://lms.example.edu';
const clientId = 'grader-tool-1';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-outbound-'));
const dataDir = path.join(tmp, 'data');
const problemsDir = path.join(tmp, 'problems');
const configPath = path.join(tmp, 'service.toml');
const solution = fs.readFileSync(path.join(sourceDir, 'problems/relu/solution.cpp'), 'utf8');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
let service = null;
let receiver = null;  // {child, port}
let platform = null;

async function startPeer(script, options) {
  const peer = await startLoopbackPeer(script, options);
  children.push(peer.child);
  return peer;
}

function stopPeer(peer) {
  return new Promise((resolve) => {
    peer.child.removeAllListeners('exit');
    peer.child.on('exit', resolve);
    peer.child.kill('SIGTERM');
  });
}

async function startService() {
  const started = await startServe(binary, { dataDir, problemsDir, configPath });
  children.push(started.child);
  return started;
}

async function submit(fields) {
  const id = 'msg_' + randomBytes(12).toString('hex');
  const body = JSON.stringify({ problem: 'relu', ...fields });
  const when = new Date();
  const res = await fetch(service.base + '/v1/submissions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'webhook-id': id,
      'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
      'webhook-signature': new Webhook(intakeSecret).sign(id, when, body),
    },
    body,
  });
  const json = await res.json();
  assert.equal(res.status, 202, JSON.stringify(json));
  return json.submission_id;
}

async function getJson(base, url, bearer) {
  const res = await fetch(base + url, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
  return { status: res.status, json: await res.json() };
}

async function graded(id) {
  return waitFor(`submission ${id}`, async () => {
    const { json } = await getJson(service.base, `/v1/submissions/${id}`, token);
    return json.status === 'queued' || json.status === 'running' ? null : json;
  });
}

const deliveries = async () => (await getJson(`http://127.0.0.1:${receiver.port}`, '/deliveries')).json;
const scores = async () => (await getJson(`http://127.0.0.1:${platform.port}`, '/scores')).json;
const lineitem = (n) => `http://127.0.0.1:${platform.port}/lineitems/${n}`;
const callbackUrl = () => `http://127.0.0.1:${receiver.port}/grades`;

before(async () => {
  fs.mkdirSync(problemsDir);
  for (const id of ['relu', 'linear_forward']) {
    fs.symlinkSync(path.join(sourceDir, 'problems', id), path.join(problemsDir, id));
  }
  fs.copyFileSync(path.join(sourceDir, 'problems/skills.toml'), path.join(problemsDir, 'skills.toml'));
  for (const [file, text] of [['intake.secret', intakeSecret], ['callback.secret', callbackSecret],
                              ['api.token', token]]) {
    fs.writeFileSync(path.join(tmp, file), text + '\n', { mode: 0o600 });
  }
  execFileSync('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048',
                           '-out', path.join(tmp, 'lti.pem')], { stdio: 'ignore' });
  fs.chmodSync(path.join(tmp, 'lti.pem'), 0o600);

  receiver = await startPeer('callback_receiver.mjs', { secret: callbackSecret, fail: 2 });
  platform = await startPeer('lti_platform.mjs', { clientId, expiresIn: 2 });
  fs.writeFileSync(configPath, [
    'listen = "127.0.0.1:0"', 'workers = 2',
    'webhook_secret_file = "intake.secret"', 'callback_secret_file = "callback.secret"',
    'api_token_file = "api.token"', 'callback_allow_hosts = ["127.0.0.1"]', 'lease_seconds = 3',
    'delivery_initial_backoff_ms = 100', 'delivery_max_backoff_ms = 500',
    'delivery_max_attempts = 100', 'delivery_timeout_ms = 2000', '',
    '[[lti]]', `issuer = "${issuer}"`, `client_id = "${clientId}"`,
    `token_url = "http://127.0.0.1:${platform.port}/token"`, 'key_file = "lti.pem"',
    'key_id = "grader-test-key"', ''].join('\n'));
  service = await startService();
  // The platform verifies our assertions against the service's published keys.
  await fetch(`http://127.0.0.1:${platform.port}/control`, {
    method: 'POST', body: JSON.stringify({ jwksUrl: service.base + '/.well-known/jwks.json' }),
  });
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the JWKS publishes the configured key', async () => {
  const { status, json } = await getJson(service.base, '/.well-known/jwks.json');
  assert.equal(status, 200);
  assert.equal(json.keys.length, 1);
  assert.equal(json.keys[0].kid, 'grader-test-key');
  assert.equal(json.keys[0].alg, 'RS256');
});

test('a graded submission is called back once (after two failures) and scored on the LMS', async () => {
  const id = await submit({ learner: 'ada', source: solution, callback_url: callbackUrl(),
                            lti: { platform: issuer, lineitem: lineitem(7), user_id: 'lms-user-1' } });
  const result = await graded(id);
  assert.equal(result.status, 'graded');
  const delivered = await waitFor('the callback', async () => {
    const d = await deliveries();
    return d.deliveries.length >= 1 ? d : null;
  });
  assert.equal(delivered.deliveries.length, 1);
  const [callback] = delivered.deliveries;
  // Three attempts (two refused by the receiver), one webhook-id, every one verified.
  assert.equal(delivered.attempts.length, 3);
  for (const attempt of delivered.attempts) {
    assert.equal(attempt.verified, true, attempt.error);
    assert.equal(attempt.webhookId, callback.webhookId);
  }
  assert.equal(callback.contentType, 'application/json');
  assert.equal(callback.body.type, 'submission.graded');
  assert.equal(callback.body.submission_id, id);
  assert.equal(callback.body.learner, 'ada');
  assert.equal(callback.body.status, 'graded');
  assert.equal(callback.body.score, result.result.score);
  assert.equal(callback.body.score, callback.body.max_score);
  assert.ok(callback.body.result_url.endsWith(`/v1/submissions/${id}`), callback.body.result_url);

  const lms = await waitFor('the LTI score', async () => {
    const s = await scores();
    return s.scores.length >= 1 ? s : null;
  });
  assert.equal(lms.scores.length, 1);
  const { score, contentType, lineitem: item } = lms.scores[0];
  assert.equal(item, '7');
  assert.equal(contentType, 'application/vnd.ims.lis.v1.score+json');
  assert.equal(score.userId, 'lms-user-1');
  assert.equal(score.scoreGiven, result.result.score);
  assert.equal(score.scoreMaximum, result.result.max_score);
  assert.equal(score.activityProgress, 'Completed');
  assert.equal(score.gradingProgress, 'FullyGraded');
  assert.ok(lms.tokenRequests.every((r) => r.ok), JSON.stringify(lms.tokenRequests));
  assert.equal(lms.tokensIssued, 1);
});

test('an expired token is renewed, and a 401 from the platform refreshes it once', async () => {
  await sleep(2500);  // the 2 s token has expired
  const first = await submit({ learner: 'bo', source: solution,
                               lti: { platform: issuer, lineitem: lineitem(8), user_id: 'lms-user-2' } });
  await graded(first);
  const renewed = await waitFor('the second score', async () => {
    const s = await scores();
    return s.scores.length >= 2 ? s : null;
  });
  assert.equal(renewed.tokensIssued, 2);

  await fetch(`http://127.0.0.1:${platform.port}/control`,
              { method: 'POST', body: JSON.stringify({ fail401Once: true }) });
  const second = await submit({ learner: 'cy', source: solution,
                                lti: { platform: issuer, lineitem: lineitem(9), user_id: 'lms-user-3' } });
  await graded(second);
  const refreshed = await waitFor('the third score', async () => {
    const s = await scores();
    return s.scores.length >= 3 ? s : null;
  });
  assert.equal(refreshed.scores.filter((s) => s.lineitem === '9').length, 1);
  assert.ok(refreshed.tokensIssued >= 3, `tokens issued: ${refreshed.tokensIssued}`);
});

test('kill -9 with jobs queued and callbacks pending loses nothing and repeats nothing', async () => {
  // The receiver goes away: callbacks can only wait in the outbox.
  const port = receiver.port;
  await stopPeer(receiver);
  const ids = [];
  for (const learner of ['dee', 'eve', 'fay', 'gus']) {
    ids.push(await submit({ learner, source: solution + `\n// ${learner}\n`,
                            callback_url: `http://127.0.0.1:${port}/grades` }));
  }
  await graded(ids[0]);  // at least one callback is pending, others may still be queued
  service.child.kill('SIGKILL');
  await service.exited;
  receiver = await startPeer('callback_receiver.mjs', { secret: callbackSecret, port });
  service = await startService();
  for (const id of ids) assert.equal((await graded(id)).status, 'graded');
  const delivered = await waitFor('every callback', async () => {
    const d = await deliveries();
    return d.deliveries.length >= ids.length ? d : null;
  });
  await sleep(1500);  // time for a duplicate to show up, if there were one
  const final = await deliveries();
  const bySubmission = new Map();
  for (const d of final.deliveries) {
    bySubmission.set(d.body.submission_id, (bySubmission.get(d.body.submission_id) ?? 0) + 1);
  }
  assert.deepEqual([...bySubmission.keys()].sort((a, b) => a - b), [...ids].sort((a, b) => a - b));
  for (const [id, count] of bySubmission) assert.equal(count, 1, `submission ${id} called back ${count} times`);
  assert.ok(delivered.deliveries.every((d) => d.body.status === 'graded'));
  // Graded once each: one attempt per learner in the history.
  for (const learner of ['dee', 'eve', 'fay', 'gus']) {
    const shown = JSON.parse(execFileSync(binary, ['--data-dir', dataDir, '--problems', problemsDir,
                                                  'learner', 'show', learner, '--json'], { encoding: 'utf8' }));
    assert.equal(shown.submissions, 1, learner);
  }
});

test('SIGTERM stops the service and its dispatcher with exit 0', async () => {
  service.child.kill('SIGTERM');
  const { code } = await service.exited;
  assert.equal(code, 0, service.stderr());
});
