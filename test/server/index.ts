// The fault-injecting range server used by integration tests, benchmarks and end-to-end tests.
export * from './factories';
export { createRangeServer } from './range-server';
export * from './sites/index';
export { bufferSource, type FileSource, patternSource, sha256Of } from './sources';
export type { RangeServer, RequestRecord, ServerOptions, SetSourceOptions } from './types';
