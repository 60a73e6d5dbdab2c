import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { PG_URL } from '../support/services.js';

const TICK_MS = 10;

/** utime, stime, cutime and cstime of a process, in clock ticks, and its parent: fields 14–17 and 4 of /proc/PID/stat. */
function stat(pid: string): { ppid: string; own: number; children: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { ppid: fields[1], own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined; // gone, or not readable
  }
}

/**
 * CPU milliseconds the PostgreSQL server has used so far: the postmaster's own and its ended backends' (reaped into its
 * children's time), plus each live backend's. The benchmark runs one scenario at a time, so a difference over a run is
 * the database work that run caused. Undefined where the server's processes cannot be read (another host, no /proc).
 */
export async function postgresCpuReader(): Promise<(() => number) | undefined> {
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Read while the connection lasts: its backend process ends with it.
    const postmaster = stat(String(rows[0].pid))?.ppid;
    if (!postmaster || !stat(postmaster)) return undefined;
    return () => {
      const root = stat(postmaster)!;
      let ticks = root.own + root.children;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        const s = stat(entry);
        if (s?.ppid === postmaster) ticks += s.own;
      }
      return ticks * TICK_MS;
    };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}
