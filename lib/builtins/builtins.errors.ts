import { UnrecoverableError } from 'bullmq';
import { JobsError } from '../jobs.errors.js';

/** `http.request` refused to connect: a private, loopback, link-local or metadata address, or a host not allowed. Never retried. */
export class DestinationRefusedError extends UnrecoverableError {
  readonly code = 'HTTP_DESTINATION_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'DestinationRefusedError';
  }
}

/** `http.request` failed in a way worth another attempt: a network error, a timeout, a 5xx, or a 408/429 without `Retry-After`. */
export class HttpRequestError extends JobsError {
  constructor(
    message: string,
    /** The response's status, when there was a response. */
    readonly status?: number,
  ) {
    super('HTTP_REQUEST_FAILED', message);
  }
}

/** `ssh.command` met a host key other than the configured fingerprint. Never retried: it may be an impostor. */
export class SshHostKeyError extends UnrecoverableError {
  readonly code = 'SSH_HOST_KEY_MISMATCH';
  constructor(message: string) {
    super(message);
    this.name = 'SshHostKeyError';
  }
}

/** `ssh.command` could not connect to its host, lost the connection, or was refused a session. Retried by the job's policy. */
export class SshConnectionError extends JobsError {
  constructor(message: string) {
    super('SSH_CONNECTION_FAILED', message);
  }
}

/** `ssh.command`'s command exited non-zero, was killed by a signal, or ran past its timeout. */
export class SshCommandError extends JobsError {
  constructor(
    message: string,
    /** The exit code, or null when the command ended by a signal or a timeout. */
    readonly exitCode: number | null,
  ) {
    super('SSH_COMMAND_FAILED', message);
  }
}
