import { createHash, timingSafeEqual } from 'node:crypto';
import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { credentials } from './credentials.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The host's guard of the admin API: `Authorization: Bearer <ADMIN_TOKEN>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected = digest(credentials.adminToken);

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (token && timingSafeEqual(digest(token), this.expected)) return true;
    throw new UnauthorizedException('Send Authorization: Bearer <ADMIN_TOKEN>.');
  }
}
