// A real OpenID Provider for authgate's tests: panva's oidc-provider on loopback.
//
//   node server.mjs config.json
//
// config.json: {"port": 0, "issuer": "http://127.0.0.1:PORT", "clients": [...],
//               "accounts": {"alice": {"password": "...", "claims": {...}, "amr": ["pwd"]}},
//               "idTokenTtl": 3600}
//
// The login page is a minimal form (login, password, "Log in", "Cancel") that a
// browser fills; consent is granted at once for the configured clients, as a
// company's own identity provider does for its own apps. A fresh RSA key signs
// the ID tokens of each run. Prints "ready <issuer>" once it listens.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { parse as parseQuery } from 'node:querystring';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = config.accounts;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: [config.cookieKey] },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub', 'amr'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  pkce: { required: () => true },
  ttl: { IdToken: config.idTokenTtl || 3600 },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
  },
  async loadExistingGrant(ctx) {
    // First-party clients: every requested scope is granted without a consent page.
    const { client, session, params } = ctx.oidc;
    if (!session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(String(params.scope || 'openid'));
    await grant.save();
    return grant;
  },
});
provider.proxy = false;

function page(res, body, status = 200) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html><head><title>Test provider</title></head><body>${body}</body></html>`);
}

function loginForm(uid, message = '') {
  return `<h1>Sign in to the test provider</h1>
<p role="alert">${escape(message)}</p>
<form method="post" action="/interaction/${uid}/login">
  <label>Login <input name="login" autocomplete="username" autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return parseQuery(body);
}

async function interaction(req, res) {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login|\/abort)?$/);
  if (!match) return page(res, 'not found', 404);
  const [, uid, action] = match;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 'interaction mismatch', 400);
  if (!action) return page(res, loginForm(uid));
  if (action === '/abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'End-User aborted interaction',
    }, { mergeWithLastSubmission: false });
  }
  const form = await readForm(req);
  const account = accounts[form.login];
  if (!account || account.password !== form.password) {
    return page(res, loginForm(uid, 'Wrong login or password.'), 200);
  }
  return provider.interactionFinished(req, res, {
    login: { accountId: form.login, amr: account.amr || ['pwd'] },
  }, { mergeWithLastSubmission: false });
}

// The last hop back to the client is a page that navigates on (as providers that
// show "Redirecting..." do) rather than a 303: a browser test can then hold or
// rewrite that navigation, which it cannot do to a redirect.
const redirectUris = config.clients.flatMap((client) => client.redirect_uris);
function navigateOnToClient(res) {
  const end = res.end.bind(res);
  res.end = (...args) => {
    const location = res.getHeader('location');
    if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string'
        && redirectUris.some((uri) => location.startsWith(uri))) {
      res.removeHeader('location');
      res.removeHeader('content-length');
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      const url = escape(location);
      return end(`<!doctype html><meta http-equiv="refresh" content="0;url=${url}">`
        + `<a href="${url}">Continue</a>`);
    }
    return end(...args);
  };
}

const handler = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((error) => page(res, escape(error.message), 400));
    return;
  }
  navigateOnToClient(res);
  handler(req, res);
});
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
