/** The id goes into the page as JSON and into the URL encoded, so no id can inject markup or script. */
export function reportPage(id: string): string {
  const json = JSON.stringify(id).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Report</title>
<style>body{font-family:sans-serif;margin:3em}progress{width:20em;height:1.5em}</style></head>
<body>
<h1>Your report</h1>
<p><progress id="bar" max="100" value="0"></progress> <span id="percent">0%</span></p>
<p>State: <strong id="state">waiting</strong></p>
<pre id="result"></pre>
<script>
const id = ${json};
const events = new EventSource('./' + encodeURIComponent(id) + '/events');
events.onopen = () => (document.body.dataset.live = 'yes');
events.onmessage = (message) => {
  const update = JSON.parse(message.data);
  document.body.dataset.seen = (document.body.dataset.seen ? document.body.dataset.seen + ' ' : '') + update.state;
  document.getElementById('state').textContent = update.state;
  if (typeof update.progress === 'number') {
    document.getElementById('bar').value = update.progress;
    document.getElementById('percent').textContent = update.progress + '%';
  }
  if (update.result) document.getElementById('result').textContent = JSON.stringify(update.result, null, 2);
  if (update.state !== 'running' && update.state !== 'waiting') (finished = true), events.close();
};
// The stream ends after the outcome; an error before it is an unknown report (404) or a lost connection.
let finished = false;
events.onerror = () => {
  if (finished) return;
  document.getElementById('state').textContent = events.readyState === EventSource.CLOSED ? 'unknown report' : 'connection lost';
  events.close();
};
</script>
</body>
</html>
`;
}
