/**
 * The BullMQ release this folder was written against: its key layout, job hash fields, delayed
 * score encoding, lock errors and protected members. bullmq-contract.spec.ts fails on any other
 * installed version until the adapter is checked against it and this is moved on.
 */
export const ADAPTED_BULLMQ_VERSION = '6.7.0';
