import { Injectable, type CanActivate } from '@nestjs/common';

/** Lets every request through: for suites about something other than access. */
@Injectable()
export class OpenGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}
