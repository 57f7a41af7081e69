/**
 * Dual_EC_DRBG (SP 800-90A, P-256), a backdoored Q, and the trapdoor attack.
 *
 * @module
 */
export { DUAL_EC_NIST_Q, DUAL_EC_P, OUTLEN_BYTES, P256_N, invertModN, toBigInt, toBytes32 } from "./params.js";
export { DualEcDrbg, dualEcGenerate, hashDf256, type DualEcOptions, type GenerateTrace } from "./drbg.js";
export { backdooredQ, trapdoorFits, type BackdooredQ } from "./backdoor.js";
export { CANDIDATES, mergeResults, searchCandidates, type Observation, type SearchResult, type Survivor } from "./attack.js";
export { SESSION_INFO, boxHandshake, openRecord, sealRecord, sessionKey, type BoxHandshake } from "./session.js";
