/**
 * Every process the bench starts (servers, load generators), so that none outlives it: they are killed
 * when the bench exits — normally, on an error, or interrupted (Ctrl-C, `timeout`). A leftover server
 * would keep its database open and spoil the next run.
 */
const children = new Set();

export function tracked(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const killAll = () => {
  for (const child of children) child.kill('SIGKILL');
};
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => {
    killAll();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
