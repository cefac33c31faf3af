import { describe, expect, it } from 'vitest';
import { chooseAgent } from './routing-policy.js';

const agent = (agentId: string, free: number, lastAssignedAt = 0, idleSince = 0) => ({
  agentId,
  free,
  lastAssignedAt,
  idleSince,
});

describe('chooseAgent', () => {
  it('prefers the most free capacity, then assigned least recently, then idle longest, then the id', () => {
    const fresh = { previousAgentId: null };
    expect(chooseAgent(fresh, [agent('a', 1), agent('b', 3)])).toBe('b');
    expect(chooseAgent(fresh, [agent('a', 2, 200), agent('b', 2, 100)])).toBe('b');
    expect(chooseAgent(fresh, [agent('a', 2, 100, 50), agent('b', 2, 100, 10)])).toBe('b');
    expect(chooseAgent(fresh, [agent('b', 2), agent('a', 2)])).toBe('a');
  });

  it('gives a requeued conversation to someone else when anyone else can take it', () => {
    expect(chooseAgent({ previousAgentId: 'a' }, [agent('a', 5), agent('b', 1)])).toBe('b');
    expect(chooseAgent({ previousAgentId: 'a' }, [agent('a', 5)])).toBe('a');
  });

  it('chooses nobody from nobody', () => {
    expect(chooseAgent({ previousAgentId: null }, [])).toBeNull();
  });
});
