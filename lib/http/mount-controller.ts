import { Controller, UseGuards, type CanActivate, type Type } from '@nestjs/common';

/**
 * A route class of the module at the path and behind the guards the host chose. The path is only known when
 * `forRoot` runs, so each mount is a subclass: the routes, pipes and Swagger metadata stay on the base class.
 */
export function mountController(base: Type, path: string, guards: Array<Type<CanActivate> | CanActivate>): Type {
  const mounted = { [base.name]: class extends base {} }[base.name];
  Controller(path)(mounted);
  if (guards.length) UseGuards(...guards)(mounted);
  return mounted;
}
