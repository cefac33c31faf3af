import { prepareParley, processUsage, startBaseline, startParley } from './processes.mjs';
import { summarize } from './stats.mjs';
import { loadWorker } from './workers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(target, env) {
  return target === 'parley' ? startParley(env) : startBaseline();
}

async function until(check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

/** Memory per idle visitor connection: RSS growth of the server process divided by connections. */
export async function idle(target, { visitors, env }) {
  const server = await start(target, env);
  let siteKey = null;
  if (target === 'parley') ({ siteKey } = await prepareParley(server.url, 0, 1));
  await sleep(1500);
  const before = processUsage(server.proc.pid);
  const worker = loadWorker();
  await worker.call('visitors', { url: server.url, count: visitors, siteKey, mode: target });
  await sleep(3000);
  const after = processUsage(server.proc.pid);
  await worker.close();
  await server.stop();
  return {
    visitors,
    bytesPerConnection: Math.round((after.rssBytes - before.rssBytes) / visitors),
    rssBytes: after.rssBytes,
  };
}

/** V visitors in conversations with A agents, one message per interval each; agents answer each one. */
export async function active(target, { visitors, agents, intervalMs, durationMs, env }) {
  const server = await start(target, env);
  let siteKey = null;
  let tokens = Array.from({ length: agents }, () => null);
  if (target === 'parley')
    ({ siteKey, tokens } = await prepareParley(server.url, agents, Math.ceil(visitors / agents) + 5));
  const agentWorker = loadWorker();
  const visitorWorker = loadWorker();
  await agentWorker.call('agents', { url: server.url, tokens, mode: target });
  await visitorWorker.call('visitors', {
    url: server.url,
    count: visitors,
    siteKey,
    mode: target,
    warmup: target === 'parley',
  });
  if (target === 'parley') {
    const ok = await until(async () => (await agentWorker.call('assignedCount')).assigned >= visitors, 60_000);
    if (!ok) throw new Error('not every conversation got assigned');
  }
  await sleep(1000);
  await agentWorker.call('reset');
  await visitorWorker.call('reset');
  const cpu0 = processUsage(server.proc.pid).cpuSeconds;
  const t0 = Date.now();
  const { acked } = await visitorWorker.call('active', { intervalMs, durationMs });
  await sleep(1000);
  const cpuSeconds = processUsage(server.proc.pid).cpuSeconds - cpu0;
  const elapsed = (Date.now() - t0) / 1000;
  const v = await visitorWorker.call('report');
  const a = await agentWorker.call('report');
  await agentWorker.close();
  await visitorWorker.close();
  await server.stop();
  return {
    visitors,
    agents,
    acked,
    ack: summarize(v.ack),
    visitorToAgent: summarize(a.visitorToAgent),
    agentToVisitor: summarize(v.agentToVisitor),
    cpuPercent: Math.round((cpuSeconds / elapsed) * 100),
  };
}

/** Closed-loop burst: every visitor sends as fast as acknowledgements come back. */
export async function burst(target, { visitors, agents, durationMs, env }) {
  const server = await start(target, env);
  let siteKey = null;
  let tokens = Array.from({ length: agents }, () => null);
  if (target === 'parley')
    ({ siteKey, tokens } = await prepareParley(server.url, agents, Math.ceil(visitors / agents) + 5));
  const agentWorker = loadWorker();
  const visitorWorker = loadWorker();
  await agentWorker.call('agents', { url: server.url, tokens, mode: target });
  await agentWorker.call('replies', { on: false });
  await visitorWorker.call('visitors', {
    url: server.url,
    count: visitors,
    siteKey,
    mode: target,
    warmup: target === 'parley',
  });
  if (target === 'parley')
    await until(async () => (await agentWorker.call('assignedCount')).assigned >= visitors, 60_000);
  await sleep(500);
  await visitorWorker.call('reset');
  await agentWorker.call('reset');
  const { acked, seconds } = await visitorWorker.call('burst', { durationMs });
  await sleep(500);
  const v = await visitorWorker.call('report');
  const a = await agentWorker.call('report');
  await agentWorker.close();
  await visitorWorker.close();
  await server.stop();
  return {
    visitors,
    messagesPerSecond: Math.round(acked / seconds),
    ack: summarize(v.ack),
    visitorToAgent: summarize(a.visitorToAgent),
  };
}
