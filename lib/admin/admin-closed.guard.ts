import { ForbiddenException, Inject, Injectable, Logger, type CanActivate, type OnModuleInit } from '@nestjs/common';
import { ADMIN_PATH } from './admin.constants.js';

/** Stands in for the host's guards when it gave none: the admin API stays closed rather than open to anyone. */
@Injectable()
export class AdminClosedGuard implements CanActivate, OnModuleInit {
  constructor(@Inject(ADMIN_PATH) private readonly path: string) {}

  onModuleInit(): void {
    new Logger('JobsModule').warn(
      `The admin API at /${this.path} has no guards, so it refuses every request (403); set admin.guards to open it.`,
    );
  }

  canActivate(): boolean {
    throw new ForbiddenException('The jobs admin API has no guards: set `admin.guards` in JobsModule.forRoot to open it.');
  }
}
