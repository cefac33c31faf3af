export * from './client-id.js';
export * from './entities.js';
export type * from './events.js';
export * from './linkify.js';
export * from './rest.js';
export * from './rest-routes.js';
export type * from './schemas.js';
export * as schemas from './schemas.js';
