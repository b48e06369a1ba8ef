// The outbox jobs; the composition root concatenates these with the chase/digest definitions.
import type { JobDefinition } from "../definition.ts";
import { outboxDeliverJob } from "./outbox-deliver.ts";
import { outboxDispatchJob } from "./outbox-dispatch.ts";

export { createOutboxDeliverJob, OUTBOX_DELIVER_JOB, outboxDeliverJob } from "./outbox-deliver.ts";
export { createOutboxDispatchJob, OUTBOX_DISPATCH_JOB, outboxDispatchJob } from "./outbox-dispatch.ts";

export const OUTBOX_JOB_DEFINITIONS: JobDefinition<any>[] = [outboxDispatchJob, outboxDeliverJob];
