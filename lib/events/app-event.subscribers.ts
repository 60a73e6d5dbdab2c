import { Injectable } from '@nestjs/common';

/** One `@OnAppEvent` method: the job that delivers to it and the names it hears. */
export interface AppEventSubscriber {
  /** The delivery job's name; also the subscriber's part of each delivery's job id. */
  jobName: string;
  pattern: string;
  /** `Class.method`, for messages. */
  where: string;
  matches(name: string): boolean;
}

/** The subscribers found at start-up; read on every emit to pick who receives the event. */
@Injectable()
export class AppEventSubscribers {
  private readonly subscribers: AppEventSubscriber[] = [];

  add(subscriber: AppEventSubscriber): void {
    this.subscribers.push(subscriber);
  }

  of(name: string): AppEventSubscriber[] {
    return this.subscribers.filter((s) => s.matches(name));
  }

  all(): readonly AppEventSubscriber[] {
    return this.subscribers;
  }
}
