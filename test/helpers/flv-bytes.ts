export { FLV_HEADER_AV, SAMPLE_FLV, flvBytes, flvTagBytes, type FlvTagSpec } from '../../core/sdk/testing/flv-bytes.js';
