import type { AppEventInfo } from '../interfaces/app-events.interface.js';

/** What a delivery job carries: the event (its time as ISO text, as queues store JSON) and the payload. */
export interface DeliveryData {
  event: Omit<AppEventInfo, 'emittedAt'> & { emittedAt: string };
  payload: unknown;
}

/**
 * The job id of one event's delivery to one subscriber. The same pair always gives the same id, so adding a delivery
 * twice (an emit retried, two instances replaying) stores it once; history finds an event's deliveries by its prefix.
 */
export const deliveryJobId = (eventId: string, jobName: string): string => `${eventId}:${jobName}`;

export const deliveryPrefix = (eventId: string): string => `${eventId}:`;
