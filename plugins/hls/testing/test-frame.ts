/** Frames for tests and tools: the hub's own Frame implementation (plain fields plus a `shared()` memo). */
export { MediaFrame as TestFrame } from '../../../core/streams/media-frame.js';
