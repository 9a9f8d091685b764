import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const same = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

const COOKIE = 'eaio_board_token';

const cookieToken = (header: string | undefined): string | undefined => {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
};

/** The token a request carries: `Authorization: Bearer`, else `?token=`, else the board's cookie. */
export const presentedToken = (request: Request): string | undefined => {
  const header = request.headers.authorization;
  const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
  const query = typeof request.query.token === 'string' ? request.query.token : undefined;
  return bearer ?? query ?? cookieToken(request.headers.cookie);
};

/** True when the request carries `adminToken` (never when it is unset or empty). */
export const isAdminRequest = (request: Request, adminToken: string | undefined): boolean => {
  const presented = presentedToken(request);
  return Boolean(adminToken && presented && same(presented, adminToken));
};

/** Bull Board calls any board token may make: reads, and retry / promote of jobs as they are. */
const BOARD_READ_ONLY_ALLOWED = [
  /^\/api\/queues\/[^/]+\/retry\/[^/]+$/, // retry all failed/completed of a queue
  /^\/api\/queues\/[^/]+\/promote$/, // promote all delayed
  /^\/api\/queues\/[^/]+\/[^/]+\/retry$/, // retry one job
  /^\/api\/queues\/[^/]+\/[^/]+\/promote$/, // promote one job
];

/**
 * Bull Board read-only for job data, mounted before it: reads, retry and promote for every
 * board token; add, edit-data, clean, empty, obliterate, pause, delay, priority and every other
 * change only with the admin token (`BOARD_ADMIN_TOKEN`; unset: nobody). Bull Board's own
 * `readOnlyMode` (9.10.1) also forbids retry and promote, hence this list in front of it.
 */
export const boardWriteGuard = (adminToken: string | undefined) => (request: Request, response: Response, next: NextFunction) => {
  if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return next();
  if (request.method === 'PUT' && BOARD_READ_ONLY_ALLOWED.some((pattern) => pattern.test(request.path))) return next();
  if (isAdminRequest(request, adminToken)) return next();
  response.status(403).json({
    error: 'forbidden',
    message: `${request.method} ${request.path.slice(0, 100)} changes queue data; the board token may read, retry and promote only`,
    hint: adminToken
      ? 'use the admin token (BOARD_ADMIN_TOKEN) for add, edit, clean and obliterate'
      : 'set BOARD_ADMIN_TOKEN to allow add, edit, clean and obliterate with that token',
  });
};

/** Tokens that open the board, by the name a decision taken with each is recorded under. */
export type BoardTokens = string | Record<string, string>;

/** The name of the token a request presented (set by `requireBoardToken`). */
export const tokenNameOf = (response: Response): string => (typeof response.locals.tokenName === 'string' ? response.locals.tokenName : 'board');

/**
 * Guards everything behind `BOARD_TOKEN` (or any of the named reviewer tokens):
 * `Authorization: Bearer <token>`, or `?token=<token>` once in a browser (then kept in an
 * HttpOnly cookie so Bull Board's own API calls carry it). Anything else answers 401.
 * The matching token's name is left in `response.locals.tokenName` (see `tokenNameOf`).
 */
export const requireBoardToken = (tokens: BoardTokens) => {
  const named = Object.entries(typeof tokens === 'string' ? { board: tokens } : tokens).filter(([, token]) => token.length > 0);
  return (request: Request, response: Response, next: NextFunction) => {
    const query = typeof request.query.token === 'string' ? request.query.token : undefined;
    const presented = presentedToken(request);
    // Every token is compared (constant time each), so the answer's timing names none.
    let name: string | undefined;
    for (const [tokenName, token] of named) {
      if (presented && same(presented, token) && name === undefined) name = tokenName;
    }
    if (name !== undefined) {
      response.locals.tokenName = name;
      if (query) {
        response.cookie(COOKIE, query, { httpOnly: true, sameSite: 'strict', path: '/' });
      }
      next();
      return;
    }
    response
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="eaio board"')
      .json({ error: 'unauthorized', message: 'Send Authorization: Bearer <BOARD_TOKEN>, or open /admin/queues?token=<BOARD_TOKEN> once.' });
  };
};
