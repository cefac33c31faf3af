/**
 * The widget's own main-thread tasks, read off a Chromium trace of one page load (categories in
 * TRACE_CATEGORIES). A task is the widget's when it ran the widget's code (its script's evaluation, a callback
 * of its, a compile of its functions) or handled the network response of a request it made. So is the first
 * rendering task after each change the widget made to the page (user-timing marks the caller sets then): it
 * draws that change. Each task is measured whole, so this counts exactly what the page's main thread spent on the widget,
 * free of the load-to-load noise of the page's own tasks.
 */
export const TRACE_CATEGORIES = ['devtools.timeline', 'toplevel', 'blink.user_timing'];

const TASK = 'ThreadControllerImpl::RunTask';
const RENDERING = new Set(['UpdateLayoutTree', 'Layout', 'Paint', 'PrePaint']);

function urlOf(event) {
  const data = event.args?.data ?? event.args?.beginData;
  return String(data?.url ?? data?.stackTrace?.[0]?.url ?? '');
}

/** The page's renderer main thread: its events, and its outermost tasks in time order. */
function mainThread(events, pageUrl) {
  const parse = events.find((e) => e.name === 'ParseHTML' && urlOf(e).startsWith(pageUrl));
  if (!parse) throw new Error(`no ParseHTML of ${pageUrl} in the trace`);
  const main = events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && (e.ph === 'X' || e.ph === 'I'));
  // outermost tasks only: the scheduler nests a task event in another of the same name
  const tasks = [];
  for (const e of main.filter((x) => x.name === TASK && x.ph === 'X').sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
    const last = tasks.at(-1);
    if (!last || e.ts >= last.ts + last.dur) tasks.push({ ts: e.ts, dur: e.dur, what: null, renders: false });
  }
  return { parse, main, tasks };
}

/**
 * Every task of the page's main thread after the one that committed the navigation and parsed the page's
 * first bytes (work no script of the page can touch), in ms: what a total blocking time of the whole page
 * is made of. Unlike the Long Tasks API, the trace misses none of them, rendering tasks included.
 */
export function pageTasks(events, pageUrl) {
  const { parse, tasks } = mainThread(events, pageUrl);
  return tasks.filter((t) => t.ts > parse.ts).map((t) => t.dur / 1000);
}

/**
 * @param {object[]} events the trace's events
 * @param {{ pageUrl: string, widget: RegExp, changed: string }} match the host page's URL, the widget's script
 *   and requests, and the name of the marks set when the widget changed the page
 * @returns {{ ms: number, what: string }[]} each of the widget's tasks, in order: its duration, and the first
 *   event that made it the widget's (`EvaluateScript`, `FunctionCall`, `ResourceFinish`, …; `draw` for the frame)
 */
export function widgetTasks(events, { pageUrl, widget, changed }) {
  const { parse, main, tasks } = mainThread(events, pageUrl);
  // the widget's requests (its script, settings and chunks), by id: the tasks handling their responses count
  // as the widget's
  const requests = new Set(
    main.filter((e) => e.name === 'ResourceSendRequest' && widget.test(urlOf(e))).map((e) => e.args.data.requestId),
  );
  // (the request for the script itself is sent from the page's parser task, which stays the page's)
  const isWidget = (e) =>
    e.name !== 'ResourceSendRequest' ? widget.test(urlOf(e)) || requests.has(e.args?.data?.requestId) : false;
  // each event into the task that holds it (events and tasks are both in time order)
  let i = 0;
  for (const e of main.sort((a, b) => a.ts - b.ts)) {
    if (e.name === TASK) continue;
    while (i < tasks.length && tasks[i].ts + tasks[i].dur < e.ts) i++;
    const task = tasks[i];
    if (!task || e.ts < task.ts) continue;
    if (!task.what && isWidget(e)) task.what = e.name;
    if (RENDERING.has(e.name)) task.renders = true;
  }
  const own = tasks.filter((t) => t.what);
  const draws = new Set();
  for (const mark of events.filter((e) => e.name === changed && e.pid === parse.pid)) {
    const draw = tasks.find((t) => t.ts > mark.ts && t.renders && !t.what);
    if (draw) draws.add(draw);
  }
  const draw = [...draws].map((t) => ({ ...t, what: 'draw' }));
  return [...own, ...draw].sort((a, b) => a.ts - b.ts).map((t) => ({ ms: t.dur / 1000, what: t.what }));
}

/** Total blocking time of a list of task durations (ms): what each spent past 50 ms. */
export const blockingOf = (durations) => durations.reduce((s, d) => s + Math.max(0, d - 50), 0);
