export { SeededRandom, seededRandom } from '../../core/sdk/testing/seeded-random.js';
