import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, config, token, whenDenied } from './api.js';
import { useRoute } from './components.js';
import { useLiveState } from './live.js';
import { AppEventsPage } from './pages/app-events.js';
import { DefinitionForm } from './pages/definition-form.js';
import { ExecutionDetail } from './pages/execution-detail.js';
import { ExecutionsPage } from './pages/executions.js';
import { QueuesPage } from './pages/queues.js';
import { SchedulesPage } from './pages/schedules.js';
import { StatsPage } from './pages/stats.js';
import { TypesPage } from './pages/types.js';

const NAV: Array<[path: string, label: string]> = [
  ['/executions', 'Executions'],
  ['/types', 'Job types & definitions'],
  ['/schedules', 'Schedules'],
  ['/queues', 'Queues'],
  ['/stats', 'Statistics'],
  ['/app-events', 'Events'],
];

/**
 * The admin API answered 401 or 403: the host's guards did not accept this browser. A guard that reads the host's
 * session cookie accepts it without this form; one that reads a bearer token gets the one given here, kept for this
 * tab only (sessionStorage).
 */
function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    token.set(value.trim());
    try {
      await api('GET', '/types');
      onSignedIn();
    } catch {
      token.clear();
      setError('That token is not accepted.');
    }
  };
  return (
    <main class="signin">
      <h1>{config.title}</h1>
      <form class="card" onSubmit={submit}>
        <p>Sign in with an access token for the jobs admin API.</p>
        <label for="token">Access token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function Page({ path }: { path: string }) {
  const [, section, id] = path.split('/');
  if (section === 'executions') return id ? <ExecutionDetail id={id} /> : <ExecutionsPage />;
  if (section === 'definitions') return <DefinitionForm id={id === 'new' ? undefined : id} />;
  if (section === 'types') return <TypesPage />;
  if (section === 'schedules') return <SchedulesPage />;
  if (section === 'queues') return <QueuesPage />;
  if (section === 'stats') return <StatsPage />;
  if (section === 'app-events') return <AppEventsPage />;
  return <p>Nothing here.</p>;
}

function Shell() {
  const { path } = useRoute();
  const live = useLiveState();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <h1>{config.title}</h1>
        <nav aria-label="Console">
          {NAV.map(([p, label]) => (
            <a href={`#${p}`} aria-current={path.startsWith(p) || (p === '/types' && path.startsWith('/definitions')) ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class={`live ${live ? 'on' : 'off'}`} title="The cluster-wide event stream">
          {live ? '● live' : '○ polling'}
        </span>
        {token.get() && (
          <button class="secondary" onClick={() => (token.clear(), location.reload())}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}

function App() {
  const [state, setState] = useState<'checking' | 'in' | 'out'>('checking');
  useEffect(() => {
    whenDenied(() => setState('out'));
    api('GET', '/types').then(
      () => setState('in'),
      () => setState((s) => (s === 'checking' ? 'out' : s)),
    );
  }, []);
  if (state === 'checking') return <p>Loading…</p>;
  if (state === 'out') return <SignIn onSignedIn={() => setState('in')} />;
  return <Shell />;
}

document.title = config.title;
render(<App />, document.getElementById('app')!);
