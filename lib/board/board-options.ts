import type { Queue } from 'bullmq';
import type { BoardHostQueue, BoardQueueOptions, JobsBoardOptions } from '../interfaces/jobs-admin.interface.js';
import { badOption } from '../option-checks.js';

/** `board` as the board reads it: the route with one leading slash, the host's queues each with its options. */
export interface ResolvedBoardOptions extends JobsBoardOptions {
  route: string;
  title: string;
  hostQueues: BoardHostQueue[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isSize = (v: unknown) => v === undefined || isText(v) || (typeof v === 'number' && v > 0);
/** BullMQ's `Queue` by its shape: the host's may come from another copy of bullmq (e.g. `@nestjs/bullmq`'s). */
export const isQueue = (v: unknown): v is Queue =>
  isObject(v) && isText(v.name) && typeof v.getJobCounts === 'function' && typeof v.pause === 'function';

function checkQueueOptions(option: string, value: unknown): BoardQueueOptions {
  if (!isObject(value)) badOption(option, 'an object such as { displayName: "Emails", readOnly: true }', value);
  const { displayName, readOnly, queue: _queue, ...unknown } = value;
  if (Object.keys(unknown).length) badOption(option, 'an object with only displayName and readOnly', Object.keys(unknown));
  if (displayName !== undefined && !isText(displayName)) badOption(`${option}.displayName`, 'a non-empty string', displayName);
  if (readOnly !== undefined && typeof readOnly !== 'boolean') badOption(`${option}.readOnly`, 'true or false', readOnly);
  return value;
}

function hostQueue(option: string, entry: unknown): BoardHostQueue {
  if (isQueue(entry)) return { queue: entry };
  if (!isObject(entry) || !isQueue(entry.queue))
    badOption(option, 'a BullMQ Queue, or { queue: Queue, displayName?, readOnly? }', entry, showQueue);
  return { ...checkQueueOptions(option, entry), queue: entry.queue };
}

const showQueue = (v: unknown) => (isObject(v) ? `an object with keys ${JSON.stringify(Object.keys(v))}` : JSON.stringify(v));

/** Checks `board` when the module starts, naming the option at fault. */
export function resolveBoardOptions(board: JobsBoardOptions): ResolvedBoardOptions {
  const { route = '/admin/queues', title = 'Jobs', logo, queues = [], queueOptions = {}, auth, middleware, readOnly } = board;
  if (typeof route !== 'string' || !/^\/?[^?#\s]+$/.test(route)) badOption('board.route', 'a URL path such as "/admin/queues"', route);
  if (!isText(title)) badOption('board.title', 'a non-empty string', title);
  if (logo !== undefined && (!isObject(logo) || !isText(logo.path) || !isSize(logo.width) || !isSize(logo.height))) {
    badOption('board.logo', 'an object such as { path: "/logo.svg", width: 120, height: 40 }', logo);
  }
  if (auth !== undefined && (!isObject(auth) || !isText(auth.username) || !isText(auth.password))) {
    badOption('board.auth', 'an object with a non-empty username and password', auth, showQueue);
  }
  if (middleware !== undefined && typeof middleware !== 'function')
    badOption('board.middleware', 'a function (req, res, next)', middleware);
  if (readOnly !== undefined && typeof readOnly !== 'boolean') badOption('board.readOnly', 'true or false', readOnly);
  if (!Array.isArray(queues)) badOption('board.queues', 'an array of BullMQ queues', queues, showQueue);
  const hostQueues = queues.map((entry, i) => hostQueue(`board.queues[${i}]`, entry));
  const names = hostQueues.map((q) => q.queue.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) badOption('board.queues', 'queues of different names', `two named "${twice}"`, String);
  if (!isObject(queueOptions)) badOption('board.queueOptions', 'an object of options by queue name', queueOptions);
  for (const [name, value] of Object.entries(queueOptions)) checkQueueOptions(`board.queueOptions.${name}`, value);
  return { ...board, route: '/' + route.replace(/^\/+|\/+$/g, ''), title, hostQueues };
}
