// Scale-out end to end (docs/scale-out.md, issue 16): one intake server (`grader serve`,
// workers = 0) and three `grader worker` processes, each in its own working and data directory
// with its own problems folder (standing in for three hosts), on one real PostgreSQL started by
// scripts/pg-test-server.sh in a folder of this test's own (it is restarted mid-run, which must
// not disturb other tests). 200 signed submissions of relu, most of them identical (result cache
// hits) and some distinct (real compiles; some of them a known mistake), called back to a
// loopback receiver that verifies every callback with npm standardwebhooks. In the middle, one
// worker is killed with SIGKILL while it holds a job, and PostgreSQL is restarted once (the
// intake server and the surviving workers reconnect and carry on; the last 50 submissions are
// posted after it, retried with the same webhook-id as an LMS would). Then: every job graded
// exactly once, one submission row each, the killed worker's job retaken, each callback
// delivered once (per webhook-id), and no mastery update lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startPeer, startServe, waitFor } from './serve_process.mjs';

const binary = process.env.GRADER_BINARY;
const sourceDir = process.env.GRADER_SOURCE_DIR;
const pgDir = process.env.GRADER_SCALE_OUT_POSTGRES_DIR;
assert.ok(binary && sourceDir && pgDir,
          'GRADER_BINARY, GRADER_SOURCE_DIR and GRADER_SCALE_OUT_POSTGRES_DIR must be set (ctest)');
const pgServer = path.join(sourceDir, 'scripts/pg-test-server.sh');

const minutes10 = 600000;  // the longest wait for a phase of the run
const total = 200;
const postedAfterRestart = 50;
const learners = 40;  // several submissions per learner, graded by different workers at once
const intakeSecret = 'whsec_' + randomBytes(24).toString('base64');
const callbackSecret = 'whsec_' + randomBytes(24).toString('base64');
const token = randomBytes(16).toString('hex');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grader-scale-out-'));
const solution = fs.readFileSync(path.join(sourceDir, 'problems/relu/solution.cpp'), 'utf8');
const mistake = fs.readFileSync(
    path.join(sourceDir, 'problems/relu/mistakes/forward_abs.cpp'), 'utf8');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
let databaseUrl = '';
let intake = null;    // {child, base, exited, stderr}
let receiver = null;  // {child, port}
const hosts = {};     // name -> its folders (makeHost)
const workers = {};   // name -> {child, exited, stderr()}

// Submission i: every 12th a distinct source (a real compile; every other one of those a known
// mistake), the rest the identical solution (a result cache hit once one is graded).
function submission(i) {
  const distinct = i % 12 === 5;
  const source = !distinct ? solution
      : `${Math.floor(i / 12) % 2 ? mistake : solution}\n// distinct ${i}\n`;
  return { i, distinct, mistake: distinct && Math.floor(i / 12) % 2 === 1,
           learner: `learner${i % learners}`, source, webhookId: `msg_scale_${i}` };
}
const submissions = Array.from({ length: total }, (_, i) => submission(i));

// psql against the test's database: rows of tab-separated fields.
function sql(query) {
  const out = execFileSync('psql', [databaseUrl, '-X', '-A', '-t', '-F', '\t', '-v',
                                    'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((line) => line.split('\t'));
}
// The same, but null while PostgreSQL is restarting.
function trySql(query) {
  try {
    return sql(query);
  } catch {
    return null;
  }
}

function finishedCount() {
  const rows = trySql("SELECT count(*) FROM service_jobs WHERE status NOT IN ('queued', 'running')");
  return rows ? Number(rows[0][0]) : -1;
}

// One "host": its own folder (the working directory), data directory holding the shared
// deployment secret, problems folder and configuration (a copy of the intake's, with the
// intake's public URL for the callbacks' result_url).
function makeHost(name, { secretKey, publicUrl }) {
  const root = path.join(tmp, name);
  const problems = path.join(root, 'problems');
  fs.mkdirSync(path.join(root, 'data'), { recursive: true, mode: 0o700 });
  fs.mkdirSync(problems);
  for (const id of ['relu', 'linear_forward']) {
    fs.symlinkSync(path.join(sourceDir, 'problems', id), path.join(problems, id));
  }
  fs.copyFileSync(path.join(sourceDir, 'problems/skills.toml'), path.join(problems, 'skills.toml'));
  fs.writeFileSync(path.join(root, 'data/secret.key'), secretKey, { mode: 0o600 });
  for (const [file, text] of [['intake.secret', intakeSecret], ['callback.secret', callbackSecret],
                              ['api.token', token]]) {
    fs.writeFileSync(path.join(root, file), text + '\n', { mode: 0o600 });
  }
  fs.writeFileSync(path.join(root, 'service.toml'), [
    'listen = "127.0.0.1:0"', 'workers = 0',
    ...(publicUrl ? [`public_url = "${publicUrl}"`] : []),
    'webhook_secret_file = "intake.secret"', 'callback_secret_file = "callback.secret"',
    'api_token_file = "api.token"', 'callback_allow_hosts = ["127.0.0.1"]',
    'lease_seconds = 3', 'max_attempts = 5', 'max_queue = 100000',
    'delivery_initial_backoff_ms = 100', 'delivery_max_backoff_ms = 1000',
    'delivery_max_attempts = 100', 'delivery_timeout_ms = 2000', ''].join('\n'));
  return { root, data: path.join(root, 'data'), problems, config: path.join(root, 'service.toml') };
}

function startWorker(name, host) {
  const child = spawn(binary, ['--data-dir', host.data, '--problems', host.problems,
                               '--database', databaseUrl, 'worker', '--config', host.config,
                               '--id', name],
                      { cwd: host.root, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

// POSTs submission s, retrying on a connection error or a 5xx with the same webhook-id (as an
// LMS does), until 202 or 200 (a duplicate of an earlier attempt that was committed).
async function post(s) {
  const body = JSON.stringify({ problem: 'relu', learner: s.learner, source: s.source,
                                callback_url: `http://127.0.0.1:${receiver.port}/grades` });
  for (let attempt = 0; ; ++attempt) {
    const when = new Date();
    let status = -1;
    let json = null;
    try {
      const res = await fetch(intake.base + '/v1/submissions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': s.webhookId,
                   'webhook-timestamp': String(Math.floor(when.getTime() / 1000)),
                   'webhook-signature': new Webhook(intakeSecret).sign(s.webhookId, when, body) },
        body,
      });
      status = res.status;
      json = await res.json();
    } catch {
      // connection refused or reset: retried below
    }
    if (status === 202 || status === 200) return json.submission_id;
    assert.ok(status === -1 || status >= 500, `POST ${s.webhookId}: ${status} ${JSON.stringify(json)}`);
    assert.ok(attempt < 600, `POST ${s.webhookId} still failing (${status})`);
    await sleep(100);
  }
}

before(async () => {
  databaseUrl = execFileSync(pgServer, ['start', pgDir], { encoding: 'utf8' }).trim();
  // One deployment secret, copied by the operator to every host (docs/data-directory.md).
  const secretKey = randomBytes(32);
  const intakeHost = makeHost('intake', { secretKey });
  receiver = await startPeer('callback_receiver.mjs', { secret: callbackSecret });
  children.push(receiver.child);
  intake = await startServe(binary, { dataDir: intakeHost.data, problemsDir: intakeHost.problems,
                                      configPath: intakeHost.config,
                                      globalArgs: ['--database', databaseUrl] });
  children.push(intake.child);
  for (const name of ['host1', 'host2', 'host3']) {
    hosts[name] = makeHost(name, { secretKey, publicUrl: intake.base });
    workers[name] = startWorker(name, hosts[name]);
  }
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  try {
    execFileSync(pgServer, ['stop', pgDir], { stdio: 'ignore' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('200 submissions, 3 workers, one killed and PostgreSQL restarted: each graded once, each callback once',
     async () => {
  const jobIds = new Map();  // submission index -> job id
  for (const s of submissions.slice(0, total - postedAfterRestart)) jobIds.set(s.i, await post(s));
  const distinctJobs = new Set(submissions.filter((s) => s.distinct && jobIds.has(s.i))
                                          .map((s) => String(jobIds.get(s.i))));

  // SIGKILL a worker while it holds a job that compiles. The job may still finish between the
  // look and the kill; then the host's service manager restarts that worker and we try again.
  await waitFor('30 jobs finished', () => finishedCount() >= 30, minutes10);
  let victim = '';
  let orphans = [];
  for (let attempt = 1; ; ++attempt) {
    const [heldJob, owner] = await waitFor('a worker holding a compiling job', () => {
      const rows = trySql("SELECT id, lease_owner FROM service_jobs WHERE status = 'running'");
      return rows?.find(([id]) => distinctJobs.has(id)) ?? null;
    }, minutes10);
    victim = owner.split(':')[0];  // lease owner "<worker id>:<pid>:<random>"
    assert.ok(victim in workers, `lease owner ${owner}`);
    workers[victim].child.kill('SIGKILL');
    await workers[victim].exited;
    orphans = sql(`SELECT id FROM service_jobs
                    WHERE status = 'running' AND lease_owner LIKE '${victim}:%'`).map(([id]) => id);
    if (orphans.includes(heldJob)) break;
    assert.ok(attempt < 5, `${attempt} times the held job finished before the kill`);
    workers[victim] = startWorker(victim, hosts[victim]);
  }
  const survivors = Object.keys(workers).filter((name) => name !== victim);
  console.log(`killed ${victim} holding job(s) ${orphans} after ${finishedCount()} jobs finished`);

  // Restart PostgreSQL mid-run; then post the rest (the intake reconnects).
  await waitFor('90 jobs finished', () => finishedCount() >= 90, minutes10);
  const running = sql("SELECT count(*) FROM service_jobs WHERE status = 'running'")[0][0];
  execFileSync(pgServer, ['restart', pgDir], { stdio: 'inherit' });
  console.log(`restarted PostgreSQL with ${running} job(s) running, ${finishedCount()} finished`);
  for (const s of submissions.slice(total - postedAfterRestart)) jobIds.set(s.i, await post(s));

  await waitFor('every job finished', () => finishedCount() === total, minutes10);
  const deliveries = await waitFor('a callback for every job', async () => {
    const res = await fetch(`http://127.0.0.1:${receiver.port}/deliveries`);
    const d = await res.json();
    return new Set(d.deliveries.map((x) => x.webhookId)).size >= total ? d : null;
  }, minutes10);

  // The surviving workers and the intake server reconnected: still running.
  for (const name of survivors) {
    assert.equal(workers[name].child.exitCode, null, `${name} exited: ${workers[name].stderr()}`);
  }
  assert.equal(intake.child.exitCode, null, intake.stderr());

  // Each job graded exactly once: one final state, its own submission row, nothing else.
  assert.equal(new Set(jobIds.values()).size, total);
  const jobs = new Map(sql('SELECT id, status, submission_id, attempts FROM service_jobs')
      .map(([id, status, submissionId, attempts]) => [id, { status, submissionId, attempts: Number(attempts) }]));
  assert.equal(jobs.size, total);
  for (const [id, job] of jobs) {
    assert.equal(job.status, 'graded', `job ${id}`);
    assert.ok(job.submissionId, `job ${id} has no submission`);
  }
  assert.equal(new Set([...jobs.values()].map((j) => j.submissionId)).size, total);
  assert.equal(Number(sql('SELECT count(*) FROM submissions')[0][0]), total);
  for (const id of orphans) {
    assert.ok(jobs.get(id).attempts >= 2, `job ${id} of the killed worker was not retaken`);
  }

  // Each callback delivered once: one webhook-id per job (a repeat, after a restart cut a
  // delivery's bookkeeping short, carries the same id and is deduplicated by the receiver).
  assert.ok(deliveries.attempts.every((a) => a.verified), 'a callback failed verification');
  const idsByJob = new Map();
  for (const d of deliveries.deliveries) {
    const ids = idsByJob.get(d.body.submission_id) ?? new Set();
    ids.add(d.webhookId);
    idsByJob.set(d.body.submission_id, ids);
  }
  assert.deepEqual([...idsByJob.keys()].sort((a, b) => a - b),
                   [...jobIds.values()].sort((a, b) => a - b));
  for (const [job, ids] of idsByJob) assert.equal(ids.size, 1, `job ${job}: ${[...ids]}`);
  console.log(`callbacks: ${deliveries.deliveries.length} deliveries for ${total} jobs`);

  // The results are right: the solution scores full marks, the mistake less.
  const byJob = new Map(deliveries.deliveries.map((d) => [d.body.submission_id, d.body]));
  for (const s of submissions) {
    const body = byJob.get(jobIds.get(s.i));
    assert.equal(body.status, 'graded');
    assert.equal(body.learner, s.learner);
    if (s.mistake) assert.ok(body.score < body.max_score, `submission ${s.i}`);
    else assert.equal(body.score, body.max_score, `submission ${s.i}`);
  }

  // No lost mastery update: per learner and skill the evidence rows form one chain, each
  // mastery_before the mastery_after of the one before, ending at the stored mastery. Two workers
  // that both read the same mastery would leave two rows starting from the same value.
  const chains = new Map();
  for (const [learner, skill, before, after] of sql(
      `SELECT s.learner, e.skill, e.mastery_before, e.mastery_after
         FROM skill_evidence e JOIN submissions s ON s.id = e.submission_id`)) {
    const key = `${learner} ${skill}`;
    const chain = chains.get(key) ?? { befores: [], afters: [] };
    chain.befores.push(before);
    chain.afters.push(after);
    chains.set(key, chain);
  }
  const minus = (a, b) => {
    const left = [...a];
    for (const x of b) {
      const at = left.indexOf(x);
      if (at >= 0) left.splice(at, 1);
    }
    return left;
  };
  const mastery = sql('SELECT learner, skill, p_mastery, observations FROM skill_mastery');
  assert.equal(mastery.length, chains.size);
  for (const [learner, skill, p, observations] of mastery) {
    const chain = chains.get(`${learner} ${skill}`);
    assert.ok(chain, `${learner} ${skill}: no evidence`);
    assert.equal(chain.befores.length, Number(observations), `${learner} ${skill}`);
    assert.equal(minus(chain.befores, chain.afters).length, 1,
                 `${learner} ${skill}: not one chain: ${JSON.stringify(chain)}`);
    assert.deepEqual(minus(chain.afters, chain.befores), [p], `${learner} ${skill}`);
  }
  assert.equal(new Set(mastery.map(([learner]) => learner)).size, learners);
});

test('a worker whose deployment secret differs refuses to take jobs', async () => {
  const host = makeHost('host4', { secretKey: randomBytes(32), publicUrl: intake.base });
  const worker = startWorker('host4', host);
  const { code } = await worker.exited;
  assert.notEqual(code, 0);
  assert.match(worker.stderr(), /secret/i);
});
