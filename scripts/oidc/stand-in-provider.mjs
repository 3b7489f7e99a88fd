// A local OpenID Connect provider standing in for Gosuslugi (ЕСИА) in parta's tests.
//
// The real ЕСИА speaks OpenID Connect's authorization code flow but adds signed client secrets
// and GOST cryptography on top; this stand-in is plain OIDC (RS256, client_secret_basic/post, PKCE
// S256) so parta's relying party can be tested end to end against independent software.
//
// Usage: node stand-in-provider.mjs <config.json>   (or OIDC_STAND_IN_CONFIG=<config.json>)
// Config: {"port": 0, "issuer": "http://127.0.0.1:<port>",
//          "clients": [{"client_id", "client_secret", "redirect_uris", ...}],
//          "accounts": {"<sub>": {"family_name": ..., "snils": ..., ...}}}
// Port 0 (or none) listens on a free port; the issuer defaults to http://127.0.0.1:<port>.
// Prints "READY <issuer>" on stdout once listening; exits on SIGTERM/SIGINT (and, with
// OIDC_STAND_IN_EXIT_WITH_STDIN=1, when stdin closes).
//
// Login form (GET /interaction/<uid>): input[name=login] (the account's sub), input[name=password]
// (anything), button#sign-in «Войти»; link#cancel «Отказаться» sends error=access_denied back.
// Consent is granted automatically. Unknown accounts re-render the form with p#login-error.
//
// Test controls (POST, JSON body, 127.0.0.1 only):
//   /__control/accounts   body = accounts object; replaces them (?merge=1 merges); sessions of
//                         accounts no longer there end
//   /__control/settings   {"id_token_ttl": seconds, "tamper_id_token": bool, "id_token_age":
//                         seconds the id_token is backdated by, re-signed}; null leaves as is
//   /__control/reset      accounts from the config file, default settings, all sessions forgotten

import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';

// oidc-provider warns on import when node is older than v22; the warning is expected on node 20.
const originalWarn = console.warn;
console.warn = (...args) => {
  if (!String(args[0]).includes('Unsupported runtime')) originalWarn(...args);
};
const { default: Provider } = await import('oidc-provider');
console.warn = originalWarn;

const DEFAULT_SETTINGS = { id_token_ttl: 3600, tamper_id_token: false, id_token_age: 0 };
const CLAIMS = {
  openid: ['sub'],
  profile: ['family_name', 'given_name', 'middle_name', 'birthdate'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  snils: ['snils'],
  passport: ['passport_series', 'passport_number'],
};

const configPath = process.argv[2] ?? process.env.OIDC_STAND_IN_CONFIG;
if (!configPath) {
  console.error('usage: node stand-in-provider.mjs <config.json>');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8'));

let accounts = structuredClone(config.accounts ?? {});
let settings = { ...DEFAULT_SETTINGS };

// --- Storage: one in-memory map, so /__control/reset can forget every session, grant and code.

const store = new Map();

function storeGet(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt && entry.expiresAt < Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry.value;
}

function storeSet(key, value, expiresIn) {
  const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : undefined;
  store.set(key, { value, expiresAt });
}

class MapAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    storeSet(this.key(id), payload, expiresIn);
    if (payload.uid && this.model === 'Session') storeSet(`sessionUid:${payload.uid}`, id, expiresIn);
    if (payload.userCode) storeSet(`userCode:${payload.userCode}`, id, expiresIn);
    if (payload.grantId) {
      const members = storeGet(`grant:${payload.grantId}`) ?? new Set();
      members.add(this.key(id));
      storeSet(`grant:${payload.grantId}`, members);
    }
  }

  async find(id) {
    return storeGet(this.key(id));
  }

  async findByUid(uid) {
    const id = storeGet(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = storeGet(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = storeGet(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of storeGet(`grant:${grantId}`) ?? []) store.delete(key);
    store.delete(`grant:${grantId}`);
  }
}

// --- Pages

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="ru"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid, { login = '', error = '' } = {}) {
  const errorHtml = error ? `<p id="login-error" role="alert">${escapeHtml(error)}</p>` : '';
  return page('Вход — Госуслуги (тестовый стенд)', `${errorHtml}
<form id="login-form" method="post" action="/interaction/${escapeHtml(uid)}/login" autocomplete="off">
  <label for="login">Логин (идентификатор учётной записи)</label>
  <input id="login" name="login" value="${escapeHtml(login)}" required autofocus>
  <label for="password">Пароль</label>
  <input id="password" name="password" type="password">
  <button id="sign-in" type="submit">Войти</button>
</form>
<p><a id="cancel" href="/interaction/${escapeHtml(uid)}/abort">Отказаться</a></p>`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

// --- Interactions: login form, automatic consent, cancel

async function interaction(ctx, provider, uid, action) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, 'interaction mismatch');
  const { prompt, params, session } = details;
  let result;

  if (action === 'abort') {
    result = { error: 'access_denied', error_description: 'End-User aborted interaction' };
  } else if (prompt.name === 'login' && action === 'login' && ctx.method === 'POST') {
    const form = new URLSearchParams(await readBody(ctx.req));
    const login = (form.get('login') ?? '').trim();
    if (!Object.hasOwn(accounts, login)) {
      ctx.type = 'html';
      ctx.body = loginPage(uid, { login, error: `Учётная запись «${login}» не найдена` });
      return;
    }
    result = { login: { accountId: login } };
  } else if (prompt.name === 'login') {
    ctx.type = 'html';
    ctx.body = loginPage(uid);
    return;
  } else if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    result = { consent: { grantId: await grant.save() } };
  } else {
    ctx.throw(501, `prompt ${prompt.name} is not implemented`);
  }

  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, {
    mergeWithLastSubmission: !('error' in result) && prompt.name !== 'login',
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
}

// --- Test controls

async function control(ctx, name) {
  if (ctx.method !== 'POST') ctx.throw(405);
  const raw = await readBody(ctx.req);
  const body = raw ? JSON.parse(raw) : {};
  if (name === 'accounts') {
    accounts = ctx.query.merge ? { ...accounts, ...body } : body;
    // oidc-provider fails (server_error) on a session whose account is gone: end such sessions.
    for (const [key, { value }] of store) {
      if (key.startsWith('Session:') && value.accountId && !Object.hasOwn(accounts, value.accountId)) {
        store.delete(key);
      }
    }
  } else if (name === 'settings') {
    for (const key of Object.keys(DEFAULT_SETTINGS)) {
      if (body[key] !== undefined && body[key] !== null) settings[key] = body[key];
    }
  } else if (name === 'reset') {
    accounts = structuredClone(config.accounts ?? {});
    settings = { ...DEFAULT_SETTINGS };
    store.clear();
  } else {
    ctx.throw(404);
  }
  ctx.body = { accounts: Object.keys(accounts), settings };
}

// The token endpoint's id_token with an altered payload, the header and signature kept.
function tamper(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  claims.sub = `${claims.sub}-tampered`;
  if ('family_name' in claims) claims.family_name = `${claims.family_name}-tampered`;
  const altered = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return [header, altered, signature].join('.');
}

// The token endpoint's id_token issued `seconds` ago, validly signed again: it has expired when
// `seconds` exceeds its lifetime.
function backdate(idToken, seconds, privateKey) {
  const [header, payload] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  for (const name of ['iat', 'exp', 'auth_time']) if (name in claims) claims[name] -= seconds;
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = crypto.sign('sha256', Buffer.from(body), privateKey).toString('base64url');
  return `${body}.${signature}`;
}

// --- Provider

function buildProvider(issuer) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'stand-in-rs256', alg: 'RS256', use: 'sig' };

  const clients = (config.clients ?? []).map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  }));

  const provider = new Provider(issuer, {
    adapter: MapAdapter,
    clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    claims: CLAIMS,
    scopes: Object.keys(CLAIMS),
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 600,
      Grant: 3600,
      IdToken: () => settings.id_token_ttl,
      Interaction: 3600,
      Session: 3600,
    },
    clientBasedCORS: () => false,
    async findAccount(ctx, sub) {
      if (!Object.hasOwn(accounts, sub)) return undefined;
      return { accountId: sub, claims: async () => ({ ...accounts[sub], sub }) };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      const rows = Object.entries(out).map(([k, v]) => `<p><strong>${escapeHtml(k)}</strong>: ${escapeHtml(v)}</p>`);
      ctx.body = page('Ошибка', `<div id="oidc-error">${rows.join('')}</div>`);
    },
  });

  provider.use(async (ctx, next) => {
    const controlMatch = ctx.path.match(/^\/__control\/([a-z]+)$/);
    if (controlMatch) return control(ctx, controlMatch[1]);
    const interactionMatch = ctx.path.match(/^\/interaction\/([\w-]+)(?:\/(login|abort))?$/);
    if (interactionMatch) return interaction(ctx, provider, interactionMatch[1], interactionMatch[2]);
    await next();
    if (ctx.oidc?.route === 'token' && ctx.body?.id_token) {
      if (settings.id_token_age) {
        ctx.body = { ...ctx.body, id_token: backdate(ctx.body.id_token, settings.id_token_age, privateKey) };
      }
      if (settings.tamper_id_token) {
        ctx.body = { ...ctx.body, id_token: tamper(ctx.body.id_token) };
      }
    }
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  return provider;
}

let handler = (req, res) => {
  res.statusCode = 503;
  res.end();
};
const server = http.createServer((req, res) => handler(req, res));
server.listen(config.port ?? 0, '127.0.0.1', () => {
  const issuer = config.issuer ?? `http://127.0.0.1:${server.address().port}`;
  handler = buildProvider(issuer).callback();
  console.log(`READY ${issuer}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// A parent that may die without SIGTERM (a killed test run) sets this and keeps stdin open.
if (process.env.OIDC_STAND_IN_EXIT_WITH_STDIN) {
  process.stdin.on('end', shutdown);
  process.stdin.resume();
}
