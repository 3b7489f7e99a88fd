// A module logging its users in through parta, with an independent OpenID Connect client
// (openid-client 6): discovery, an authorization URL with PKCE (S256), state and nonce, then the
// code exchange with the ID token's validation, the userinfo request and, on request, a refresh.
//
//   node client.mjs --issuer URL --client-id ID [--client-secret S] --redirect-uri URI
//                   [--scope "openid profile email parta"] [--refresh]
//       prints {"authorization_url": …} as one line, reads the callback URL from stdin, prints
//       the result as one line of JSON;
//   … --session FILE                  prints the URL and keeps the PKCE verifier, state and
//                                     nonce in FILE, for a second invocation;
//   … --session FILE --callback URL   that second invocation.
//
// The result: {"id_token_claims", "userinfo", "scope", "token_type", "expires_in",
// "refresh_token_issued"[, "refreshed": {"id_token_claims", "userinfo"}]}; a failure prints
// {"error", "code", "message"} and exits with status 1. Tokens themselves are never printed.
import { readFileSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

import * as client from 'openid-client'

const { values: options } = parseArgs({
  options: {
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'redirect-uri': { type: 'string' },
    scope: { type: 'string', default: 'openid profile email parta' },
    session: { type: 'string' },
    callback: { type: 'string' },
    refresh: { type: 'boolean', default: false },
  },
})

function print(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`)
}

async function configure() {
  for (const name of ['issuer', 'client-id', 'redirect-uri']) {
    if (!options[name]) throw new Error(`--${name} is required`)
  }
  const issuer = new URL(options.issuer)
  const secret = options['client-secret']
  const authentication = secret ? client.ClientSecretBasic(secret) : client.None()
  // openid-client refuses plain http unless told otherwise: the tests run parta on 127.0.0.1.
  const execute = issuer.protocol === 'http:' ? [client.allowInsecureRequests] : []
  return client.discovery(issuer, options['client-id'], undefined, authentication, { execute })
}

async function start(config) {
  const session = {
    verifier: client.randomPKCECodeVerifier(),
    state: client.randomState(),
    nonce: client.randomNonce(),
  }
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options['redirect-uri'],
    scope: options.scope,
    code_challenge: await client.calculatePKCECodeChallenge(session.verifier),
    code_challenge_method: 'S256',
    state: session.state,
    nonce: session.nonce,
  })
  print({ authorization_url: url.href })
  return session
}

async function signedIn(config, tokens) {
  const claims = tokens.claims()
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
  return { id_token_claims: claims, userinfo }
}

async function finish(config, session, callback) {
  const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
    pkceCodeVerifier: session.verifier,
    expectedState: session.state,
    expectedNonce: session.nonce,
    idTokenExpected: true,
  })
  const result = {
    ...(await signedIn(config, tokens)),
    scope: tokens.scope,
    token_type: tokens.token_type,
    expires_in: tokens.expires_in,
    refresh_token_issued: Boolean(tokens.refresh_token),
  }
  if (options.refresh) {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token)
    result.refreshed = await signedIn(config, refreshed)
  }
  return result
}

function readLine() {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin })
    const closed = () => reject(new Error('stdin closed before the callback URL came'))
    lines.once('close', closed)
    lines.once('line', (line) => {
      lines.off('close', closed)
      lines.close()
      resolve(line.trim())
    })
  })
}

async function main() {
  const config = await configure()
  if (options.callback) {
    if (!options.session) throw new Error('--callback needs the --session of the first invocation')
    const session = JSON.parse(readFileSync(options.session, 'utf8'))
    print(await finish(config, session, options.callback))
    return
  }
  const session = await start(config)
  if (options.session) {
    writeFileSync(options.session, JSON.stringify(session), { mode: 0o600 })
    return
  }
  print(await finish(config, session, await readLine()))
}

// stdin and the HTTP client's kept-alive sockets would hold the process open: end it here.
main().then(() => process.exit(0), (error) => {
  print({
    error: error.error ?? error.cause?.error ?? error.name,
    code: error.code ?? null,
    message: error.error_description ?? error.message,
  })
  process.exit(1)
})
