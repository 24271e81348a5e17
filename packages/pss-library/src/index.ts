export * from './controls.js';
export * from './versions.js';
export * from './admission.js';
