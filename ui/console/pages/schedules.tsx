import { api } from '../api.js';
import { ErrorNote, fmtDate, useLoad } from '../components.js';

interface Schedule {
  id: string;
  name: string;
  queue: string;
  origin: string;
  distributed: boolean;
  cron?: string;
  every?: number;
  timeZone?: string;
  next?: string;
  iterations?: number;
}

/** Every schedule, from code (`@Cron`), run time, definitions or outside, soonest first. */
export function SchedulesPage() {
  const list = useLoad(() => api<Schedule[]>('GET', '/schedules'), []);
  return (
    <section>
      <h2>Schedules</h2>
      <ErrorNote error={list.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Job</th>
            <th scope="col">Origin</th>
            <th scope="col">When</th>
            <th scope="col">Next run</th>
            <th scope="col">Runs so far</th>
          </tr>
        </thead>
        <tbody>
          {(list.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>{s.id}</td>
              <td>{s.name}</td>
              <td>
                {s.origin}
                {s.distributed ? '' : ' (every instance)'}
              </td>
              <td>{s.cron ? `${s.cron}${s.timeZone ? ` (${s.timeZone})` : ''}` : s.every ? `every ${s.every} ms` : '–'}</td>
              <td>{fmtDate(s.next)}</td>
              <td>{s.iterations ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
