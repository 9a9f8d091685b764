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
    const header = request.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    const query = typeof request.query.token === 'string' ? request.query.token : undefined;
    const presented = bearer ?? query ?? cookieToken(request.headers.cookie);
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
