import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import auth from 'basic-auth';
import type { BoardMiddleware, JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';

const digest = (value: string) => createHash('sha256').update(value).digest();
/** Equal-length digests, so the comparison takes the same time whatever the guess. */
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/** HTTP basic auth in front of the board; the browser asks for the credentials. */
export function basicAuth(credentials: { username: string; password: string }): BoardMiddleware {
  return (req, res, next) => {
    const given = auth(req as IncomingMessage);
    // Both compared every time: which one was wrong must not show in the timing.
    const userOk = same(given?.name ?? '', credentials.username);
    const passwordOk = same(given?.pass ?? '', credentials.password);
    if (given && userOk && passwordOk) return next();
    refuse(res as ServerResponse, 401, 'Authentication required.', { 'WWW-Authenticate': 'Basic realm="Jobs board", charset="UTF-8"' });
  };
}

/** With neither credentials nor a middleware of the host's, the board refuses everyone rather than opening to anyone. */
export const closed: BoardMiddleware = (_req, res) =>
  refuse(res as ServerResponse, 403, 'The jobs board has no access configured: set board.auth or board.middleware.');

export function boardAccess(board: JobsBoardOptions): BoardMiddleware {
  if (board.middleware) return board.middleware;
  if (board.auth) return basicAuth(board.auth);
  return closed;
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(message);
}
