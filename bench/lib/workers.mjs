import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tracked } from './children.mjs';

const script = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

/** A forked load-generator process with promise-returning commands. */
export function loadWorker() {
  const child = tracked(fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  let next = 0;
  const pending = new Map();
  child.on('message', ({ id, ok, result, error }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (ok) p?.resolve(result);
    else p?.reject(new Error(error));
  });
  return {
    call(cmd, args) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      });
    },
    async close() {
      await this.call('close').catch(() => {});
    },
  };
}
