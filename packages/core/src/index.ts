// @midigpt/core under Node: the native addon (node-addon.ts, first, so the
// core is in place before any module uses it) and the package's API.
import './node-addon.js';

export * from './api.js';
