/** The store: one SQLite file and its repositories. */
import { openDatabase, type Database } from "./database.js";
import { CheckpointRepository } from "./checkpoint.js";
import { CredentialRepository } from "./credentials.js";
import { EventIndexRepository } from "./eventIndex.js";
import { IdempotencyRepository } from "./idempotency.js";
import { MemberVault, type MemberKeys } from "./memberVault.js";
import { OperationRepository } from "./operations.js";
import { StandingInstructionRepository } from "./standingInstructions.js";

export interface Store {
  database: Database;
  operations: OperationRepository;
  idempotency: IdempotencyRepository;
  credentials: CredentialRepository;
  members: MemberVault;
  checkpoint: CheckpointRepository;
  eventIndex: EventIndexRepository;
  standing: StandingInstructionRepository;
  transaction<T>(work: () => T): T;
  close(): void;
}

export function openStore(dataDir: string, keys: MemberKeys): Store {
  const database = openDatabase(dataDir);
  return {
    database,
    operations: new OperationRepository(database),
    idempotency: new IdempotencyRepository(database),
    credentials: new CredentialRepository(database),
    members: new MemberVault(database, keys),
    checkpoint: new CheckpointRepository(database),
    eventIndex: new EventIndexRepository(database),
    standing: new StandingInstructionRepository(database),
    transaction: (work) => database.transaction(work),
    close: () => database.close(),
  };
}
