/**
 * Ends a job in BullMQ (completed, failed, delayed for a retry): `fetchNext` asks the same call to
 * also take the next job of that queue (BullMQ then answers its raw data). The executor writes it.
 */
export type EndJob = (fetchNext: boolean) => Promise<unknown>;

/**
 * How a run's end reaches BullMQ: the executor hands over how the job ends, whoever fetched the
 * job (the dispatcher) decides whether to fetch the next one in the same call.
 */
export type JobFinisher = (end: EndJob) => Promise<void>;
