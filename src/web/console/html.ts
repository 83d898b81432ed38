// The escaping helpers live in src/web/shared/html.ts (the web chat uses them too); the console's
// modules keep importing them from here.
export * from '../shared/html.js';
