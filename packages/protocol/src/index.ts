export * from './entities.js';
export type * from './events.js';
export type * from './schemas.js';
export * as schemas from './schemas.js';
