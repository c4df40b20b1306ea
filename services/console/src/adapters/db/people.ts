// The console's tables of people: password hashes by login, and the people read model fed from console.events.
import type { PrismaClient, Projection } from '@switchboard/event-store';
import { roleOf } from '../../domain/people/person.ts';

export interface Credentials {
  passwordHash(login: string): Promise<string | undefined>;
  save(login: string, personId: string, passwordHash: string): Promise<void>;
}

export function credentials(prisma: PrismaClient): Credentials {
  return {
    async passwordHash(login) {
      const rows = await prisma.$queryRaw<{ password_hash: string }[]>`select password_hash from person_credentials where login = ${login}`;
      return rows[0]?.password_hash;
    },
    async save(login, personId, passwordHash) {
      await prisma.$executeRaw`insert into person_credentials (login, person_id, password_hash) values (${login}, ${personId}, ${passwordHash})
        on conflict (login) do update set password_hash = excluded.password_hash, person_id = excluded.person_id, updated_at = now()`;
    },
  };
}

export interface PersonRow {
  readonly personId: string;
  readonly login: string;
  readonly name: string;
  readonly role: string;
  readonly sites: string[];
  readonly agentId: string | null;
  readonly locked: boolean;
  readonly createdAt: string;
}

export async function listPeople(prisma: PrismaClient): Promise<PersonRow[]> {
  const rows = await prisma.$queryRaw<{ person_id: string; login: string; name: string; role: string; sites: string[]; agent_id: string; locked: boolean; created_at: Date }[]>`
    select person_id, login, name, role, sites, agent_id, locked, created_at from people order by login`;
  return rows.map((r) => ({ personId: r.person_id, login: r.login, name: r.name, role: r.role, sites: r.sites, agentId: r.agent_id === '' ? null : r.agent_id, locked: r.locked, createdAt: r.created_at.toISOString() }));
}

export const peopleReadModel: Projection = {
  name: 'console.people',
  topics: ['console.events'],
  handles: (event) => event.type === 'PersonCreated' || event.type === 'PersonLocked' || event.type === 'PersonUnlocked',
  async apply(tx, event) {
    switch (event.type) {
      case 'PersonCreated': {
        const m = event.message;
        const createdAt = new Date(Number(m.createdAt?.seconds ?? 0n) * 1000);
        await tx.$executeRaw`insert into people (person_id, login, name, role, sites, agent_id, created_at)
          values (${m.personId}, ${m.login}, ${m.name}, ${roleOf(m.role) ?? 'agent'}, ${m.sites}::text[], ${m.agentId}, ${createdAt}) on conflict (person_id) do nothing`;
        return;
      }
      case 'PersonLocked':
        await tx.$executeRaw`update people set locked = true where person_id = ${event.message.personId}`;
        return;
      case 'PersonUnlocked':
        await tx.$executeRaw`update people set locked = false where person_id = ${event.message.personId}`;
        return;
      default:
        return;
    }
  },
  async reset(tx) {
    await tx.$executeRaw`delete from people`;
  },
};
