export * from './types.js';
export * from './fields.js';
export * from './schema.js';
export * from './walk.js';
export * from './evaluate.js';
