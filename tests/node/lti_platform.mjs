// An LTI 1.3 platform double for the outbox tests (tests/service_outbox_test.cc): the OAuth 2
// token endpoint and the AGS score endpoint, checked with the npm `jose` package.
//
//   node lti_platform.mjs '{"clientId":"tool-1","jwksFile":"/tmp/jwks.json","expiresIn":2}'
//   (or "jwksUrl":"http://127.0.0.1:8080/.well-known/jwks.json")
//
// Prints {"port":N} once it listens on 127.0.0.1. POST /token verifies the client assertion
// (RS256 against our JWKS; iss = sub = clientId, aud = this /token URL, exp at most 300 s after
// iat, a jti never seen before, header kid and typ JWT) and issues a bearer token that lives
// `expiresIn` seconds. POST /lineitems/<id>/scores checks the token, the content type and the
// score's fields and records it. POST /control {"fail401Once":true} answers the next score
// 401 (and revokes its token); {"jwksUrl": URL} sets where the tool's keys are fetched.
// GET /scores returns {"scores", "tokenRequests", "tokensIssued"}.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';

const options = JSON.parse(process.argv[2] ?? '{}');
const expiresIn = options.expiresIn ?? 3600;
const seenJti = new Set();
const tokens = new Map();  // token -> expiry (ms)
const scores = [];
const tokenRequests = [];
let fail401Once = false;
let tokensIssued = 0;
let port = 0;

function keys() {
  if (options.jwksUrl) return createRemoteJWKSet(new URL(options.jwksUrl));
  return createLocalJWKSet(JSON.parse(readFileSync(options.jwksFile, 'utf8')));
}

function reply(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function issueToken(request, body) {
  const form = new URLSearchParams(body);
  const check = (condition, what) => { if (!condition) throw new Error(what); };
  check(request.headers['content-type'] === 'application/x-www-form-urlencoded',
    'content type ' + request.headers['content-type']);
  check(form.get('grant_type') === 'client_credentials', 'grant_type');
  check(form.get('client_assertion_type') ===
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'client_assertion_type');
  check(form.get('scope') === 'https://purl.imsglobal.org/spec/lti-ags/scope/score', 'scope');
  const tokenUrl = `http://127.0.0.1:${port}/token`;
  const { payload, protectedHeader } = await jwtVerify(form.get('client_assertion'), keys(), {
    algorithms: ['RS256'], issuer: options.clientId, subject: options.clientId,
    audience: tokenUrl, typ: 'JWT', requiredClaims: ['iat', 'exp', 'jti'],
  });
  check(typeof protectedHeader.kid === 'string' && protectedHeader.kid.length > 0, 'kid');
  check(payload.exp - payload.iat <= 300, 'exp more than 300 s after iat');
  check(!seenJti.has(payload.jti), 'jti replayed');
  seenJti.add(payload.jti);
  const token = randomBytes(16).toString('hex');
  tokens.set(token, Date.now() + expiresIn * 1000);
  tokensIssued += 1;
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn,
           scope: form.get('scope') };
}

function checkScore(score) {
  const problems = [];
  if (typeof score.userId !== 'string' || !score.userId) problems.push('userId');
  if (typeof score.scoreGiven !== 'number' || score.scoreGiven < 0) problems.push('scoreGiven');
  if (typeof score.scoreMaximum !== 'number') problems.push('scoreMaximum');
  if (score.activityProgress !== 'Completed') problems.push('activityProgress');
  if (score.gradingProgress !== 'FullyGraded') problems.push('gradingProgress');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)$/.test(score.timestamp ?? '')) {
    problems.push('timestamp');
  }
  return problems;
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url, 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/scores') {
      return reply(response, 200, { scores, tokenRequests, tokensIssued });
    }
    if (request.method === 'POST' && url.pathname === '/control') {
      const control = JSON.parse(body);
      if ('fail401Once' in control) fail401Once = control.fail401Once === true;
      if (control.jwksUrl) options.jwksUrl = control.jwksUrl;  // once the tool listens
      return reply(response, 200, {});
    }
    if (request.method === 'POST' && url.pathname === '/token') {
      try {
        const token = await issueToken(request, body);
        tokenRequests.push({ ok: true });
        return reply(response, 200, token);
      } catch (e) {
        tokenRequests.push({ ok: false, error: String(e.message ?? e) });
        return reply(response, 401, { error: 'invalid_client', error_description: String(e) });
      }
    }
    const match = /^\/lineitems\/([^/]+)\/scores$/.exec(url.pathname);
    if (request.method === 'POST' && match) {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      if (!tokens.has(token) || tokens.get(token) < Date.now()) {
        return reply(response, 401, { error: 'invalid or expired token' });
      }
      if (fail401Once) {
        fail401Once = false;
        tokens.delete(token);
        return reply(response, 401, { error: 'token revoked' });
      }
      const contentType = request.headers['content-type'] ?? '';
      if (contentType !== 'application/vnd.ims.lis.v1.score+json') {
        return reply(response, 415, { error: 'content type ' + contentType });
      }
      const score = JSON.parse(body);
      const problems = checkScore(score);
      if (problems.length > 0) return reply(response, 400, { error: problems.join(', ') });
      scores.push({ lineitem: match[1], query: url.search, token, contentType, score });
      response.writeHead(204);
      return response.end();
    }
    return reply(response, 404, { error: 'no route' });
  });
});

server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
