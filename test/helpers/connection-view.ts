import type { ConnectionView } from '../../src/engine/policies/view';

/** What a policy sees of one connection, for policy tests: a receiving connection with no claim, at a fixed rate. */
export function connectionView(o: Partial<ConnectionView> & { rateBps?: number } = {}): ConnectionView {
  const { rateBps = 0, ...rest } = o;
  return {
    id: 1,
    state: 'receiving',
    claim: null,
    hasRequest: true,
    requesting: true,
    racing: false,
    receivingSinceMs: 0,
    lastDataMs: 0,
    allowanceMs: 0,
    bytes: 0,
    pieceRate: 0,
    pieceStartMs: Number.NEGATIVE_INFINITY,
    requestsEnded: 0,
    rate: () => rateBps,
    ...rest,
  };
}
