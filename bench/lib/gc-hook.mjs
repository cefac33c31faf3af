// Preloaded into the servers under test by the idle-memory scenario only
// (node --expose-gc --import bench/lib/gc-hook.mjs): SIGUSR2 runs a full garbage collection, so that
// memory samples count live objects, not garbage that a later GC would have freed.
process.on('SIGUSR2', () => globalThis.gc?.());
