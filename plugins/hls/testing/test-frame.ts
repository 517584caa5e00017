/** Frames for tests and tools: the hub's own Frame implementation (plain fields plus a `shared()` memo). */
export { TestFrame } from 'xlive/sdk/testing';
