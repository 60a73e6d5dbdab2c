import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { DestinationRefusedError } from '../builtins.errors.js';
import type { DestinationPolicy } from './destination-policy.js';

/**
 * A `lookup` for sockets that resolves every address of a name, refuses the name if any is refused, and hands the
 * socket the very addresses it checked: a second resolution that could answer differently (DNS rebinding) never happens.
 */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, family: options.family, hints: options.hints }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const { address } of addresses) {
        const reason = policy.refuseAddress(hostname, address);
        if (reason) return callback(new DestinationRefusedError(reason), '', 0);
      }
      // Sockets that try several addresses (autoSelectFamily, on by default) ask for all of them.
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
