/**
 * Users' job ids are any string of 1 to 255 characters; BullMQ refuses custom ids that contain ":" (its key
 * separator) or that are plain integers (its own numbering). The two are mapped reversibly, in this one place: a key
 * BullMQ takes that does not start with "~" is stored as it is, so generated ids and most keys look the same in Redis,
 * PostgreSQL and Bull Board; any other is stored as "~" followed by the key, with "~" written "~~" and ":" written "~.".
 */
const ESCAPE = '~';

/** BullMQ's own test refuses what `parseInt` reads back whole (`-1` too); plain digits are mapped as well (`007`). */
const acceptedByBullMq = (key: string) => !key.includes(':') && !/^\d+$/.test(key) && String(parseInt(key, 10)) !== key;

/** The id BullMQ stores for a user's key. */
export function toQueueId(key: string): string {
  if (acceptedByBullMq(key) && !key.startsWith(ESCAPE)) return key;
  return ESCAPE + key.replace(/~/g, '~~').replace(/:/g, '~.');
}

/** The user's key of an id BullMQ stores; BullMQ's own ids (a scheduler's `repeat:…`) come back as they are. */
export function fromQueueId(id: string): string {
  if (!id.startsWith(ESCAPE)) return id;
  return id.slice(1).replace(/~([~.])/g, (_, c: string) => (c === '.' ? ':' : '~'));
}

/**
 * Where a user's key may be found in BullMQ: as mapped, and as given when that differs, for ids BullMQ made itself
 * (a scheduled run's `repeat:<scheduler>:<time>`), which users read from events and pass back.
 */
export function queueIdsOf(key: string): string[] {
  const id = toQueueId(key);
  return id === key ? [id] : [id, key];
}

/**
 * A scheduler's id as users see it, `<origin>/<id>` (`schedule/nightly:eu`): BullMQ's scheduler ids become parts of
 * job ids (`repeat:<scheduler>:<time>`), so the user's part is mapped as job ids are.
 */
export function fromSchedulerKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash + 1) + fromQueueId(key.slice(slash + 1));
}
