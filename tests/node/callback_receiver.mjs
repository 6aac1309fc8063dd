// A callback receiver for the outbox tests (tests/service_outbox_test.cc): an independent peer
// that verifies every callback with the npm `standardwebhooks` package, as an LMS would.
//
//   node callback_receiver.mjs '{"secret":"whsec_...","fail":2,"failStatus":500}'
//
// Prints {"port":N} on its first line once it listens on 127.0.0.1 (on `port` if given). Every POST is an attempt:
// the first `fail` ones are answered `failStatus` (after verification, so that they are real
// attempts); a POST with a bad signature is answered 401; the others are accepted (200) and
// recorded. `alwaysStatus` answers every request with that status instead. GET /deliveries
// returns {"attempts":[...], "deliveries":[...]}.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

const options = JSON.parse(process.argv[2] ?? '{}');
const webhook = new Webhook(options.secret);
let failuresLeft = options.fail ?? 0;
const attempts = [];
const deliveries = [];

function reply(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method === 'GET' && request.url === '/deliveries') {
      return reply(response, 200, { attempts, deliveries });
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': request.headers['webhook-id'] ?? '',
      'webhook-timestamp': request.headers['webhook-timestamp'] ?? '',
      'webhook-signature': request.headers['webhook-signature'] ?? '',
    };
    let verified = true;
    let error = '';
    try {
      webhook.verify(body, headers);
    } catch (e) {
      verified = false;
      error = String(e.message ?? e);
    }
    const attempt = { path: request.url, webhookId: headers['webhook-id'], verified, error };
    attempts.push(attempt);
    if (options.alwaysStatus) return reply(response, options.alwaysStatus, { error: 'scripted' });
    if (!verified) return reply(response, 401, { error });
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      const status = options.failStatus ?? 500;
      if (status === 429) response.setHeader('retry-after', '0');
      return reply(response, status, { error: 'scripted failure' });
    }
    deliveries.push({
      path: request.url,
      webhookId: headers['webhook-id'],
      contentType: request.headers['content-type'] ?? '',
      body: JSON.parse(body),
    });
    return reply(response, 200, { ok: true });
  });
});

server.listen(options.port ?? 0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
// Exit at once: keep-alive connections must not hold the port.
process.on('SIGTERM', () => process.exit(0));
