export { testGateChain, type TestGateChain } from '../../core/sdk/testing/test-gate-chain.js';
