import { describe, expect, it } from 'vitest';
import { cardsAhead, type CardAnswer } from './screen-pop.ts';

describe('cards looked up as calls arrive', () => {
  const lookups = () => {
    const asked: string[] = [];
    const cardOf = async (number: string): Promise<CardAnswer> => {
      asked.push(number);
      if (number === '+8613800000009') throw new Error('customers is away');
      return { found: true, card: { name: `owner of ${number}`, asked: asked.length } };
    };
    return { asked, cardOf };
  };

  it('gives the offer the card looked up at arrival, without asking again', async () => {
    const { asked, cardOf } = lookups();
    const cards = cardsAhead(cardOf);
    cards.lookAhead('c1', '+8613800000001');
    expect(await cards.take('c1', '+8613800000001')).toEqual({ found: true, card: { name: 'owner of +8613800000001', asked: 1 } });
    expect(asked).toEqual(['+8613800000001']);
  });

  it('asks again for a card too old, for another number, for a call it never saw, and after a failed lookup', async () => {
    let now = 0;
    const { asked, cardOf } = lookups();
    const cards = cardsAhead(cardOf, { maxAgeMs: 30_000, clock: () => now });
    cards.lookAhead('c1', '+8613800000001');
    cards.lookAhead('c2', '+8613800000002');
    cards.lookAhead('c9', '+8613800000009');
    now = 31_000;
    await cards.take('c1', '+8613800000001');
    now = 0;
    await cards.take('c2', '+8613800000003');
    await cards.take('c7', '+8613800000007');
    await expect(cards.take('c9', '+8613800000009')).rejects.toThrow('customers is away');
    expect(asked).toEqual(['+8613800000001', '+8613800000002', '+8613800000009', '+8613800000001', '+8613800000003', '+8613800000007', '+8613800000009']);
  });

  it('keeps only the latest calls', async () => {
    const { asked, cardOf } = lookups();
    const cards = cardsAhead(cardOf, { capacity: 2 });
    cards.lookAhead('c1', '+8613800000001');
    cards.lookAhead('c2', '+8613800000002');
    cards.lookAhead('c3', '+8613800000003');
    await cards.take('c1', '+8613800000001');
    await cards.take('c3', '+8613800000003');
    expect(asked).toEqual(['+8613800000001', '+8613800000002', '+8613800000003', '+8613800000001']);
  });
});
