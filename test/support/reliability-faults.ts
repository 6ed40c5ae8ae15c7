/**
 * A port wrapper that fails chosen calls, to prove that a failure at any step leaves nothing
 * half-applied and that redelivery finishes the work. A fault fires either BEFORE the real call
 * (the store never saw the write) or AFTER it (the write happened but the caller saw a failure,
 * as with a timeout on a committed write): the two cases an at-least-once consumer must survive.
 */

export type FaultTiming = 'before' | 'after';

export interface FaultRule {
  /** The port method to fail, e.g. `placeOrder`, `markSent`, `put`. */
  method: string;
  timing: FaultTiming;
  /** Which calls of that method fail (1 = the first call). */
  fails(call: number): boolean;
}

export interface InjectedFault {
  port: string;
  method: string;
  call: number;
  timing: FaultTiming;
}

/** The error an injected fault throws: an outage, not bad input, so the adapter retries it. */
export class InjectedFaultError extends Error {
  constructor(readonly fault: InjectedFault) {
    super(`injected fault: ${fault.port}.${fault.method} call ${fault.call} (${fault.timing})`);
    this.name = 'InjectedFaultError';
  }
}

/** The N-th call only. */
export const nthCall = (n: number) => (call: number) => call === n;
/** Every k-th call (k, 2k, ...). */
export const everyNth = (k: number) => (call: number) => call % k === 0;

export class FaultInjector {
  readonly injected: InjectedFault[] = [];
  private readonly calls = new Map<string, number>();
  /** Off: every call goes through (the "re-run the queue" phase). */
  enabled = true;

  /** A proxy of `target` whose methods named in `rules` fail as the rules say. */
  wrap<T extends object>(portName: string, target: T, rules: FaultRule[]): T {
    return new Proxy(target, {
      get: (obj, prop) => {
        const value: unknown = Reflect.get(obj, prop, obj);
        if (typeof value !== 'function') return value;
        const method = String(prop);
        const mine = rules.filter((r) => r.method === method);
        if (mine.length === 0) return value.bind(obj);
        return async (...args: unknown[]) => {
          const key = `${portName}.${method}`;
          const call = (this.calls.get(key) ?? 0) + 1;
          this.calls.set(key, call);
          const rule = this.enabled ? mine.find((r) => r.fails(call)) : undefined;
          const fail = (timing: FaultTiming) => {
            const fault = { port: portName, method, call, timing };
            this.injected.push(fault);
            throw new InjectedFaultError(fault);
          };
          if (rule?.timing === 'before') fail('before');
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (rule?.timing === 'after') fail('after');
          return result;
        };
      },
    });
  }

  /** Calls made so far to `port.method`, failed ones included. */
  callsTo(port: string, method: string): number {
    return this.calls.get(`${port}.${method}`) ?? 0;
  }
}
