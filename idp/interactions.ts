/**
 * The IdP's own interaction routes (oidc-provider's devInteractions are off), on node:http as
 * oidc-provider's example/routes do on Koa: `GET /interaction/<uid>` renders the login or the
 * consent form for the step oidc-provider asks for, `POST …/login` checks the password,
 * `POST …/confirm` makes the Grant, `POST …/abort` denies. oidc-provider finds the interaction by
 * its `_interaction` cookie, so a client that drops cookies gets the "session not found" page.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, type InteractionResults, type Provider } from 'oidc-provider';
import { readParsedBody } from '../server/body.ts';
import { HttpError } from '../server/respond.ts';
import type { UserStore } from '../server/users.ts';
import {
  CSRF_FIELD,
  INVALID_CREDENTIALS_MESSAGE,
  renderConsentPage,
  renderErrorPage,
  renderLoginPage,
  sendHtml,
} from './pages.ts';
import type { IdpStats } from './stats.ts';

const ROUTE = /^\/interaction\/([\w-]{1,128})(?:\/(login|confirm|abort))?$/;

export interface InteractionDeps {
  provider: Provider;
  stats: IdpStats;
  users: UserStore;
  isAccount(name: string): boolean;
}

/** A page refused; `status` and a title and detail for the error page. */
class InteractionRefusal extends Error {
  override readonly name = 'InteractionRefusal';
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly kind: 'csrf' | 'interaction',
  ) {
    super(message);
  }
}

/**
 * The interaction handler: answers and resolves true for `/interaction/…` paths, resolves false
 * for any other path.
 */
export function createInteractionRoutes(
  deps: InteractionDeps,
): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean> {
  const { provider, stats } = deps;
  const csrfKey = randomBytes(32);
  const csrfTokenFor = (uid: string) =>
    createHmac('sha256', csrfKey).update(uid).digest('base64url');

  /** The interaction of the request's cookie, which must be the one of the URL. */
  const interactionOf = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) {
      throw new InteractionRefusal(
        400,
        'This sign-in page has expired',
        'the page belongs to another sign-in attempt; start again from the application',
        'interaction',
      );
    }
    return details;
  };

  /** The posted form, with its hidden uid and CSRF token checked against the interaction. */
  const postedForm = async (req: IncomingMessage, uid: string): Promise<URLSearchParams> => {
    const body = await readParsedBody(req);
    if (body.kind !== 'form') {
      throw new HttpError(
        400,
        'invalid_request',
        'the form body is missing; reason: expected application/x-www-form-urlencoded',
      );
    }
    const token = body.fields.get(CSRF_FIELD) ?? '';
    if (body.fields.get('uid') !== uid || !sameText(token, csrfTokenFor(uid))) {
      throw new InteractionRefusal(
        403,
        'This form has expired',
        'the form is not the one this page sent; reload the sign-in page',
        'csrf',
      );
    }
    return body.fields;
  };

  const clientNameOf = async (clientId: unknown): Promise<string> => {
    if (typeof clientId !== 'string') return 'the application';
    const client = await provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  };

  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResults,
    merge: boolean,
  ) => provider.interactionFinished(req, res, result, { mergeWithLastSubmission: merge });

  const showPage = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const details = await interactionOf(req, res, uid);
    const clientName = await clientNameOf(details.params.client_id);
    if (details.prompt.name === 'login') {
      stats.loginPageShown();
      sendHtml(res, 200, renderLoginPage({ uid, csrfToken: csrfTokenFor(uid), clientName }));
      return;
    }
    if (details.prompt.name === 'consent') {
      stats.consentPageShown();
      sendHtml(
        res,
        200,
        renderConsentPage({
          uid,
          csrfToken: csrfTokenFor(uid),
          clientName,
          accountId: details.session?.accountId ?? '',
          requested: requestedLines(details.prompt.details),
        }),
      );
      return;
    }
    throw new InteractionRefusal(
      400,
      'Unexpected sign-in step',
      `the provider asks for "${details.prompt.name}", which this IdP has no page for`,
      'interaction',
    );
  };

  const login = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    const fields = await postedForm(req, uid);
    const details = await interactionOf(req, res, uid);
    if (details.prompt.name !== 'login') throw wrongStep('login', details.prompt.name);
    const username = fields.get('username') ?? '';
    const password = fields.get('password') ?? '';
    if (await deps.users.verifyPassword(username, password)) {
      stats.loginSucceeded(username);
      await finish(req, res, { login: { accountId: username } }, false);
      return;
    }
    stats.loginFailed(username, deps.isAccount);
    stats.loginPageShown();
    // 200 with the form again, as Keycloak answers a wrong password.
    sendHtml(
      res,
      200,
      renderLoginPage({
        uid,
        csrfToken: csrfTokenFor(uid),
        clientName: await clientNameOf(details.params.client_id),
        username,
        error: INVALID_CREDENTIALS_MESSAGE,
      }),
    );
  };

  const confirm = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    await postedForm(req, uid);
    const details = await interactionOf(req, res, uid);
    if (details.prompt.name !== 'consent') throw wrongStep('consent', details.prompt.name);
    const accountId = details.session?.accountId;
    const clientId = details.params.client_id;
    if (accountId === undefined || typeof clientId !== 'string') {
      throw wrongStep('consent', 'consent without a signed-in account');
    }
    // As oidc-provider's example/routes: extend the session's grant or make one.
    const grant =
      (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
      new provider.Grant({ accountId, clientId });
    const missing = details.prompt.details as ConsentDetails;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    stats.consentGiven();
    await finish(req, res, { consent: details.grantId === undefined ? { grantId } : {} }, true);
  };

  const abort = async (req: IncomingMessage, res: ServerResponse, uid: string) => {
    await postedForm(req, uid);
    await interactionOf(req, res, uid);
    stats.consentDenied();
    await finish(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      false,
    );
  };

  return async (req, res, pathname) => {
    const match = ROUTE.exec(pathname);
    if (match === null) return false;
    const uid = match[1] ?? '';
    const step = match[2];
    const method = req.method ?? 'GET';
    res.setHeader('cache-control', 'no-store');
    try {
      if (step === undefined && (method === 'GET' || method === 'HEAD')) {
        await showPage(req, res, uid);
      } else if (step !== undefined && method === 'POST') {
        await { login, confirm, abort }[step as 'login' | 'confirm' | 'abort'](req, res, uid);
      } else {
        res.setHeader('allow', step === undefined ? 'GET, HEAD' : 'POST');
        sendHtml(res, 405, renderErrorPage('Method not allowed', { method }));
      }
    } catch (error) {
      sendRefusal(res, error, stats);
    }
    return true;
  };
}

interface ConsentDetails {
  missingOIDCScope?: string[];
  missingOIDCClaims?: string[];
  missingResourceScopes?: Record<string, string[]>;
}

/** What the consent page lists: OpenID scopes, claims, then each API scope with its resource. */
function requestedLines(details: unknown): string[] {
  const missing = details as ConsentDetails;
  return [
    ...(missing.missingOIDCScope ?? []),
    ...(missing.missingOIDCClaims ?? []).map((claim) => `claim ${claim}`),
    ...Object.entries(missing.missingResourceScopes ?? {}).flatMap(([indicator, scopes]) =>
      scopes.map((scope) => `${scope} on ${indicator}`),
    ),
  ];
}

function wrongStep(expected: string, got: string): InteractionRefusal {
  return new InteractionRefusal(
    400,
    'Unexpected sign-in step',
    `this form does not fit the sign-in step; reason: expected ${expected}, got ${got}`,
    'interaction',
  );
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The error page for an expected refusal; anything else is rethrown (a 500 upstream). */
function sendRefusal(res: ServerResponse, error: unknown, stats: IdpStats): void {
  if (res.headersSent) throw error;
  if (error instanceof InteractionRefusal) {
    if (error.kind === 'csrf') stats.csrfRejected();
    else stats.interactionError();
    sendHtml(res, error.status, renderErrorPage(error.title, { reason: error.message }));
    return;
  }
  if (error instanceof errors.SessionNotFound) {
    // Keycloak's "Cookie not found" page: the interaction cookie is missing or has expired.
    stats.interactionError();
    sendHtml(
      res,
      400,
      renderErrorPage('Your sign-in attempt timed out', {
        error: error.error,
        reason: error.error_detail ?? error.error_description ?? '',
      }),
    );
    return;
  }
  if (error instanceof HttpError) {
    sendHtml(
      res,
      error.status,
      renderErrorPage('Bad request', { error: error.code, reason: error.message }),
    );
    return;
  }
  throw error;
}
