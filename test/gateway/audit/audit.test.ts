/**
 * The auditor's API against the real stack (anvil, the deployed ledger, the gateway over HTTP): history, journal,
 * verification (including tampering with the index database directly), proofs, exports and role checks.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { JsonRpcProvider } from "ethers";
import { ledgerInterface } from "../../../gateway/chain/ledgerInterface.js";
import { seedHistory, startAuditStack, type AuditStack } from "./stack.js";

describe("audit trail API (issue 6)", function () {
  this.timeout(180_000);
  let stack: AuditStack;
  let seeded: Awaited<ReturnType<typeof seedHistory>>;
  let provider: JsonRpcProvider;

  before(async () => {
    stack = await startAuditStack();
    seeded = await seedHistory(stack);
    provider = new JsonRpcProvider(stack.chainUrl, 31337, { staticNetwork: true });
  });
  after(async () => {
    provider?.destroy();
    await stack?.stop();
  });

  const db = () => stack.gateway.store.database.db;
  const history = (query = "") => stack.api("auditor", "GET", `/v1/audit/accounts/${seeded.accountA}/history${query}`);
  const verify = () => stack.api("auditor", "POST", "/v1/audit/verifications");

  describe("getAccountHistory", () => {
    it("lists the account's contributions, return, eligibility, payout plan, payout with tax and status changes in operation order", async () => {
      const { status, body } = await history();
      expect(status).to.equal(200);
      const events = body.entries.map((e: { event: string }) => e.event);
      expect(events.filter((e: string) => e === "PersonalContributionCredited")).to.have.length(3);
      expect(events).to.include.members(["PersonalAccountOpened", "ReturnCredited", "EligibilityRecorded", "PayoutPlanStarted", "PayoutSettled"]);
      const order = body.entries.map((e: { sequence: number; logIndex: number }) => e.sequence * 1000 + e.logIndex);
      expect(order).to.deep.equal([...order].sort((a, b) => a - b));
      // Account B's contribution is not in A's history.
      expect(body.entries.every((e: { accountId: string | null; member: string }) => e.accountId === seeded.accountA || (e.accountId === null && e.member === seeded.pseudonymA))).to.equal(true);
    });

    it("gives each entry its transaction, block, log index, Asia/Shanghai block time and the running hash the chain recorded for its operation", async () => {
      const { body } = await history("?types=contribution");
      const entry = body.entries[1];
      const receipt = await provider.getTransactionReceipt(entry.txHash);
      expect(receipt!.blockNumber).to.equal(entry.blockNumber);
      const log = receipt!.logs.find((l) => l.index === entry.logIndex)!;
      expect(ledgerInterface.parseLog(log)!.args.amount.toString()).to.equal(entry.amounts.amount);
      const recorded = receipt!.logs.map((l) => ledgerInterface.parseLog(l)).find((p) => p?.name === "OperationRecorded")!;
      expect(entry.runningHash).to.equal(String(recorded.args.runningHash).toLowerCase());
      expect(entry.sequence).to.equal(Number(recorded.args.sequence));
      const block = await provider.getBlock(entry.blockNumber);
      const shanghai = new Date(block!.timestamp * 1000 + 8 * 3600_000).toISOString().slice(0, 19) + "+08:00";
      expect(entry.blockTime).to.equal(shanghai);
      expect(entry.amounts.amount).to.equal("250050");
      expect(entry.display.amount).to.equal("¥2,500.50");
    });

    it("shows the payout's gross, tax withheld (3 %) and net, and filters it as a tax entry", async () => {
      const { body } = await history("?types=tax");
      expect(body.entries).to.have.length(1);
      const payout = body.entries[0];
      expect(payout.event).to.equal("PayoutSettled");
      const gross = BigInt(payout.amounts.gross);
      expect(gross).to.equal(100_000n + 250_050n + 1n + 1234n);
      expect(BigInt(payout.amounts.tax)).to.equal((gross * 300n + 5000n) / 10000n);
      expect(BigInt(payout.amounts.net)).to.equal(gross - BigInt(payout.amounts.tax));
      expect(payout.paymentStatus).to.equal("Settled");
    });

    it("pages with a cursor: the pages together are the whole history, without overlap", async () => {
      const whole = (await history()).body.entries;
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { entries: unknown[]; nextCursor: string | null } } = await history(`?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(page.body.entries.length).to.be.at.most(2);
        seen.push(...page.body.entries);
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).to.deep.equal(whole);
    });

    it("filters by period: nothing before the chain existed, everything in a period that includes today", async () => {
      expect((await history("?to=2020-01-01")).body.entries).to.have.length(0);
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 32 * 3600_000).toISOString().slice(0, 10);
      const all = (await history()).body.entries.length;
      expect((await history(`?from=2020-01-01&to=${tomorrow}`)).body.entries).to.have.length(all);
      expect((await history(`?from=${today}&to=${today}`)).body.entries.length + (await history(`?to=${today}`)).body.entries.length).to.be.at.least(all);
    });

    it("rejects an unknown entry type naming the field, and an unknown account with ACCOUNT_UNKNOWN", async () => {
      const bad = await history("?types=contribution,gift");
      expect(bad.status).to.equal(400);
      expect(bad.body.field).to.equal("types");
      const unknown = await stack.api("auditor", "GET", `/v1/audit/accounts/0x${"12".repeat(32)}/history`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal("ACCOUNT_UNKNOWN");
    });
  });

  describe("getJournal", () => {
    it("lists every ledger operation from 1 in order, the last running hash equal to the chain's auditState()", async () => {
      const { status, body } = await stack.api("operator", "GET", "/v1/audit/journal?limit=1000");
      expect(status).to.equal(200);
      const sequences = body.operations.map((o: { sequence: number }) => o.sequence);
      expect(sequences).to.deep.equal(sequences.map((_: number, i: number) => i + 1));
      const [count, hash] = ledgerInterface.decodeFunctionResult("auditState", await provider.call({ to: stack.ledgerAddress, data: ledgerInterface.encodeFunctionData("auditState") }));
      expect(sequences.at(-1)).to.equal(Number(count));
      expect(body.operations.at(-1).runningHash).to.equal(String(hash).toLowerCase());
      expect(body.operations[0].function).to.equal("initialize");
      const contribution = body.operations.find((o: { function: string }) => o.function === "contribute");
      expect(contribution.entries[0].event).to.equal("PersonalContributionCredited");
      expect(contribution.arguments.amount).to.equal("100000");
    });
  });

  describe("verifyLedger", () => {
    it("answers OK with the chain's operation count when the index matches the chain", async () => {
      const { status, body } = await verify();
      expect(status).to.equal(200);
      expect(body.ok).to.equal(true);
      expect(body.firstDivergence).to.equal(null);
      expect(body.operationCount).to.equal(body.indexOperationCount);
      expect(body.indexRunningHash).to.equal(body.chainRunningHash);
      expect(body.operationCount).to.be.greaterThan(10);
    });

    it("names exactly the operation whose contribution amount was altered in the index database", async () => {
      const row = db().prepare("SELECT tx_hash, log_index, amount FROM idx_contributions WHERE amount = '250050'").get() as { tx_hash: string; log_index: number; amount: string };
      const sequence = (db().prepare("SELECT sequence FROM audit_entries WHERE tx_hash = ? AND log_index = ?").get(row.tx_hash, row.log_index) as { sequence: number }).sequence;
      db().prepare("UPDATE idx_contributions SET amount = '2500500' WHERE tx_hash = ? AND log_index = ?").run(row.tx_hash, row.log_index);
      try {
        const { body } = await verify();
        expect(body.ok).to.equal(false);
        expect(body.divergenceCount).to.equal(1);
        expect(body.firstDivergence).to.include({ sequence, how: "altered", table: "idx_contributions", field: "amount", indexValue: "2500500", chainValue: "250050" });
      } finally {
        db().prepare("UPDATE idx_contributions SET amount = ? WHERE tx_hash = ? AND log_index = ?").run(row.amount, row.tx_hash, row.log_index);
      }
      expect((await verify()).body.ok).to.equal(true);
    });

    it("names the operation whose contribution row was deleted from the index as missing", async () => {
      const row = db().prepare("SELECT * FROM idx_contributions WHERE amount = '1'").get() as Record<string, string | number | null>;
      const sequence = (db().prepare("SELECT sequence FROM audit_entries WHERE tx_hash = ? AND log_index = ?").get(row.tx_hash!, row.log_index!) as { sequence: number }).sequence;
      db().prepare("DELETE FROM idx_contributions WHERE tx_hash = ? AND log_index = ?").run(row.tx_hash!, row.log_index!);
      try {
        const { body } = await verify();
        expect(body.ok).to.equal(false);
        expect(body.firstDivergence).to.include({ sequence, how: "missing", table: "idx_contributions" });
      } finally {
        const columns = Object.keys(row);
        db().prepare(`INSERT INTO idx_contributions (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...Object.values(row));
      }
      expect((await verify()).body.ok).to.equal(true);
    });

    it("names a ledger operation deleted from the index as missing, and one whose data hash was altered as altered", async () => {
      const victim = db().prepare("SELECT * FROM idx_ledger_operations WHERE sequence = 5").get() as Record<string, string | number>;
      db().prepare("DELETE FROM idx_ledger_operations WHERE sequence = 5").run();
      try {
        const { body } = await verify();
        expect(body.firstDivergence).to.include({ sequence: 5, how: "missing", table: "idx_ledger_operations" });
      } finally {
        const columns = Object.keys(victim);
        db().prepare(`INSERT INTO idx_ledger_operations (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...Object.values(victim));
      }
      const { data_hash: dataHash } = db().prepare("SELECT data_hash FROM idx_ledger_operations WHERE sequence = 7").get() as { data_hash: string };
      db().prepare("UPDATE idx_ledger_operations SET data_hash = ? WHERE sequence = 7").run("0x" + "ab".repeat(32));
      try {
        const { body } = await verify();
        expect(body.firstDivergence).to.include({ sequence: 7, how: "altered", table: "idx_ledger_operations", field: "data_hash", chainValue: dataHash });
      } finally {
        db().prepare("UPDATE idx_ledger_operations SET data_hash = ? WHERE sequence = 7").run(dataHash);
      }
      expect((await verify()).body.ok).to.equal(true);
    });

    it("names the operation whose raw event arguments or payout status were altered", async () => {
      const event = db().prepare("SELECT tx_hash, log_index, args_json FROM idx_events WHERE name = 'ReturnCredited'").get() as { tx_hash: string; log_index: number; args_json: string };
      const returnSequence = (db().prepare("SELECT sequence FROM audit_entries WHERE tx_hash = ? AND log_index = ?").get(event.tx_hash, event.log_index) as { sequence: number }).sequence;
      db().prepare("UPDATE idx_events SET args_json = replace(args_json, '1234', '9234') WHERE tx_hash = ? AND log_index = ?").run(event.tx_hash, event.log_index);
      try {
        const { body } = await verify();
        expect(body.firstDivergence).to.include({ sequence: returnSequence, how: "altered", table: "idx_events", field: "args_json" });
      } finally {
        db().prepare("UPDATE idx_events SET args_json = ? WHERE tx_hash = ? AND log_index = ?").run(event.args_json, event.tx_hash, event.log_index);
      }
      const payout = db().prepare("SELECT payout_id, tx_hash FROM idx_payouts").get() as { payout_id: number; tx_hash: string };
      const settleSequence = (db().prepare("SELECT sequence FROM audit_operations WHERE tx_hash = ?").get(payout.tx_hash) as { sequence: number }).sequence;
      db().prepare("UPDATE idx_payouts SET status = 'Paid' WHERE payout_id = ?").run(payout.payout_id);
      try {
        const { body } = await verify();
        expect(body.firstDivergence).to.include({ sequence: settleSequence, how: "altered", table: "idx_payouts", field: "status", indexValue: "Paid", chainValue: "Settled" });
      } finally {
        db().prepare("UPDATE idx_payouts SET status = 'Settled' WHERE payout_id = ?").run(payout.payout_id);
      }
      expect((await verify()).body.ok).to.equal(true);
    });

    it("names a row the chain never had as extra", async () => {
      db().prepare("INSERT INTO idx_returns (tx_hash, log_index, block_number, account_id, batch_ref, amount) VALUES (?, 99, 1, ?, ?, '1000000')")
        .run("0x" + "cd".repeat(32), seeded.accountB, "0x" + "00".repeat(32));
      try {
        const { body } = await verify();
        expect(body.ok).to.equal(false);
        expect(body.firstDivergence).to.include({ how: "extra", table: "idx_returns" });
      } finally {
        db().prepare("DELETE FROM idx_returns WHERE log_index = 99").run();
      }
    });

    describe("the audit tables history, journal and exports read from", () => {
      type Found = { sequence: number | null; how: string; table: string; key: string; field?: string; indexValue?: string | null; chainValue?: string | null };
      /** Tampers, verifies, restores; the verification must name exactly `expected`, and pass again once restored. */
      const expectNamed = async (tamper: () => void, restore: () => void, expected: Found[]) => {
        tamper();
        try {
          const { body } = await verify();
          expect(body.ok).to.equal(false);
          expect(body.divergences, JSON.stringify(body.divergences)).to.deep.equal(expected);
          expect(body.divergenceCount).to.equal(expected.length);
          expect(body.firstDivergence).to.deep.equal(expected[0]);
        } finally {
          restore();
        }
        expect((await verify()).body.ok).to.equal(true);
      };
      /** Account A's 2,500.50 contribution: its audit entry and its operation. */
      const contribution = () => {
        const c = db().prepare("SELECT tx_hash, log_index FROM idx_contributions WHERE amount = '250050'").get() as { tx_hash: string; log_index: number };
        const entry = db().prepare("SELECT * FROM audit_entries WHERE tx_hash = ? AND log_index = ?").get(c.tx_hash, c.log_index) as Record<string, string | number | null>;
        const operation = db().prepare("SELECT * FROM audit_operations WHERE sequence = ?").get(entry.sequence!) as Record<string, string | number | null>;
        return { entry, operation, sequence: Number(entry.sequence), key: `tx_hash=${entry.tx_hash}, log_index=${entry.log_index}` };
      };
      const setEntry = (entry: Record<string, unknown>, column: string, value: unknown) =>
        db().prepare(`UPDATE audit_entries SET ${column} = ? WHERE tx_hash = ? AND log_index = ?`).run(value as string, entry.tx_hash as string, entry.log_index as number);
      const setOperation = (sequence: number, column: string, value: unknown) =>
        db().prepare(`UPDATE audit_operations SET ${column} = ? WHERE sequence = ?`).run(value as string, sequence);
      const insert = (table: string, row: Record<string, unknown>) => {
        const columns = Object.keys(row);
        db().prepare(`INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`).run(...(Object.values(row) as (string | number | null)[]));
      };

      it("names the operation whose audit entry was deleted (the contribution gone from history and export) as missing", async () => {
        const { entry, sequence, key } = contribution();
        await expectNamed(
          () => {
            db().prepare("DELETE FROM audit_entries WHERE tx_hash = ? AND log_index = ?").run(entry.tx_hash!, entry.log_index!);
          },
          () => insert("audit_entries", entry),
          [{ sequence, how: "missing", table: "audit_entries", key }],
        );
      });

      it("names the operation whose audit entry was moved to another account (shown in that account's history)", async () => {
        const { entry, sequence, key } = contribution();
        await expectNamed(
          () => setEntry(entry, "account_id", seeded.accountB),
          () => setEntry(entry, "account_id", entry.account_id),
          [{ sequence, how: "altered", table: "audit_entries", key, field: "account_id", indexValue: seeded.accountB, chainValue: seeded.accountA }],
        );
      });

      it("names the operation whose audit entry got another type, block time, event, member, block, operation or tax flag", async () => {
        const { entry, sequence, key } = contribution();
        const changes: [string, string | number][] = [
          ["type", "return"],
          ["block_time", Number(entry.block_time) - 86_400 * 400],
          ["event", "ReturnCredited"],
          ["member", seeded.pseudonymA.replace(/.$/, (c) => (c === "0" ? "1" : "0"))],
          ["block_number", Number(entry.block_number) + 1],
          ["sequence", sequence + 1],
          ["has_tax", 1],
        ];
        for (const [field, value] of changes) {
          await expectNamed(
            () => setEntry(entry, field, value),
            () => setEntry(entry, field, entry[field]),
            [{ sequence, how: "altered", table: "audit_entries", key, field, indexValue: String(value), chainValue: String(entry[field]) }],
          );
        }
      });

      it("names an audit entry the chain never had as extra, at the operation it claims; one moved to another log index as extra and missing", async () => {
        const { entry, sequence, key } = contribution();
        const forgedKey = `tx_hash=${entry.tx_hash}, log_index=77`;
        await expectNamed(
          () => insert("audit_entries", { ...entry, log_index: 77, account_id: seeded.accountB }),
          () => db().prepare("DELETE FROM audit_entries WHERE log_index = 77").run(),
          [{ sequence, how: "extra", table: "audit_entries", key: forgedKey }],
        );
        await expectNamed(
          () => setEntry(entry, "log_index", 77),
          () => db().prepare("UPDATE audit_entries SET log_index = ? WHERE tx_hash = ? AND log_index = 77").run(entry.log_index!, entry.tx_hash!),
          [{ sequence, how: "extra", table: "audit_entries", key: forgedKey }, { sequence, how: "missing", table: "audit_entries", key }],
        );
      });

      it("names the operation whose journal sender, block time, transaction, log index, block or calldata was altered", async () => {
        const { operation, sequence } = contribution();
        const changes: [string, string | number | null][] = [
          ["sender", "0x" + "0".repeat(37) + "bad"],
          ["block_time", Number(operation.block_time) - 86_400 * 400],
          ["tx_hash", "0x" + "ee".repeat(32)],
          ["log_index", Number(operation.log_index) + 5],
          ["block_number", Number(operation.block_number) - 1],
          ["calldata", null],
        ];
        for (const [field, value] of changes) {
          await expectNamed(
            () => setOperation(sequence, field, value),
            () => setOperation(sequence, field, operation[field]),
            [{ sequence, how: "altered", table: "audit_operations", key: `sequence=${sequence}`, field, indexValue: value === null ? null : String(value), chainValue: String(operation[field]) }],
          );
        }
        const journal = (await stack.api("auditor", "GET", `/v1/audit/journal?cursor=${Buffer.from(`${sequence - 1}:0`).toString("base64url")}&limit=1`)).body;
        expect(journal.operations[0]).to.include({ sequence, sender: operation.sender, txHash: operation.tx_hash });
      });

      it("names a journal operation deleted as missing, and one the chain never had as extra", async () => {
        const { operation, sequence } = contribution();
        await expectNamed(
          () => {
            db().prepare("DELETE FROM audit_operations WHERE sequence = ?").run(sequence);
          },
          () => insert("audit_operations", operation),
          [{ sequence, how: "missing", table: "audit_operations", key: `sequence=${sequence}` }],
        );
        await expectNamed(
          () => insert("audit_operations", { ...operation, sequence: 0 }),
          () => db().prepare("DELETE FROM audit_operations WHERE sequence = 0").run(),
          [{ sequence: 0, how: "extra", table: "audit_operations", key: "sequence=0" }],
        );
      });
    });

    it("keeps the last result for the console", async () => {
      const run = (await verify()).body;
      const { body } = await stack.api("auditor", "GET", "/v1/audit/verifications/latest");
      expect(body.verification).to.deep.equal(run);
    });
  });

  describe("getEntryProof", () => {
    it("returns the receipt and log from the chain node, the operation's running hash, and that the index agrees", async () => {
      const entry = (await history("?types=return")).body.entries[0];
      const { status, body } = await stack.api("auditor", "GET", `/v1/audit/entries/${entry.txHash}/${entry.logIndex}/proof`);
      expect(status).to.equal(200);
      const receipt = await provider.send("eth_getTransactionReceipt", [entry.txHash]);
      expect(body.raw.receipt).to.deep.equal(receipt);
      expect(body.raw.log).to.deep.equal(receipt.logs.find((l: { logIndex: string }) => Number(l.logIndex) === entry.logIndex));
      expect(body.event.name).to.equal("ReturnCredited");
      expect(body.operation.sequence).to.equal(entry.sequence);
      expect(body.operation.runningHash.toLowerCase()).to.equal(entry.runningHash);
      expect(body.matchesIndex).to.equal(true);
      const missing = await stack.api("auditor", "GET", `/v1/audit/entries/${entry.txHash}/${entry.logIndex + 50}/proof`);
      expect(missing.status).to.equal(404);
      expect(missing.body.code).to.equal("AUDIT_ENTRY_NOT_FOUND");
    });
  });

  describe("exportHistory", () => {
    it("exports the account as CSV with a header naming chain id, ledger address, block range and running hash, one line per entry", async () => {
      const { status, body } = await stack.api("auditor", "GET", `/v1/audit/exports?format=csv&accountId=${seeded.accountA}`);
      expect(status).to.equal(200);
      const entries = (await history("?limit=1000")).body.entries;
      const text: string = body.csv;
      expect(text).to.include("# chainId: 31337");
      expect(text).to.include(`# ledgerAddress: ${stack.ledgerAddress.toLowerCase()}`);
      expect(text).to.match(/# blockRange: \{"from":\d+,"to":\d+\}/);
      expect(text).to.include(`# runningHash: ${body.header.chainRunningHash}`);
      const rows = parse(text, { comment: "#", columns: true }) as Record<string, string>[];
      expect(rows).to.have.length(entries.length);
      expect(rows.map((r) => r.txHash)).to.deep.equal(entries.map((e: { txHash: string }) => e.txHash));
      expect(rows.find((r) => r.event === "PayoutSettled")!.taxFen).to.equal(entries.find((e: { event: string }) => e.event === "PayoutSettled").amounts.tax);
    });

    it("exports a period as JSON with the same header and the journal's entries", async () => {
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
      const { status, body } = await stack.api("auditor", "GET", `/v1/audit/exports?format=json&from=2020-01-01&to=${today}&types=contribution`);
      expect(status).to.equal(200);
      expect(body.header.chainId).to.equal(31337);
      expect(body.header.operationCount).to.equal(body.header.chainOperationCount);
      expect(body.entries.map((e: { amounts: { amount: string } }) => e.amounts.amount).sort()).to.deep.equal(["1", "100000", "250050", "50000"].sort());
    });
  });

  describe("OpenAPI", () => {
    it("registers every audit operation with its operationId", async () => {
      const doc = (await (await fetch(`${stack.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
      const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
      expect(ids).to.include.members(["getAccountHistory", "getJournal", "verifyLedger", "getLastVerification", "getEntryProof", "exportHistory", "getAuditSummary", "searchAccounts", "getConsoleSession"]);
    });
  });

  describe("roles", () => {
    it("lets the operator read but not the bank or the tax bureau", async () => {
      expect((await stack.api("operator", "GET", `/v1/audit/accounts/${seeded.accountA}/history`)).status).to.equal(200);
      for (const institution of ["bank", "taxBureau", "keeper"] as const) {
        const res = await stack.api(institution, "GET", `/v1/audit/accounts/${seeded.accountA}/history`);
        expect(res.status).to.equal(403);
        expect(res.body.code).to.equal("FORBIDDEN_FOR_ROLE");
      }
      expect((await stack.api("bank", "POST", "/v1/audit/verifications")).status).to.equal(403);
    });

    it("lets the auditor resolve a resident ID number to the account, but not the tax bureau, which may search by pseudonym", async () => {
      const byId = await stack.api("auditor", "POST", "/v1/audit/account-search", { residentId: seeded.idA });
      expect(byId.status).to.equal(200);
      expect(byId.body.accounts.map((a: { accountId: string }) => a.accountId)).to.deep.equal([seeded.accountA]);
      const tax = await stack.api("taxBureau", "POST", "/v1/audit/account-search", { residentId: seeded.idA });
      expect(tax.status).to.equal(403);
      expect(tax.body.code).to.equal("FORBIDDEN_FOR_ROLE");
      expect(JSON.stringify(tax.body)).not.to.include(seeded.idA);
      const byPseudonym = await stack.api("taxBureau", "POST", "/v1/audit/account-search", { pseudonym: seeded.pseudonymA });
      expect(byPseudonym.body.accounts.map((a: { accountId: string }) => a.accountId)).to.deep.equal([seeded.accountA]);
    });
  });

  describe("getAuditSummary", () => {
    it("counts accounts, this month's contributions and payouts, claims, outbox depth, index lag and the last verification", async () => {
      await verify();
      const { status, body } = await stack.api("auditor", "GET", "/v1/audit/summary");
      expect(status).to.equal(200);
      expect(body.accounts.total).to.equal(2);
      expect(body.contributionsThisMonth).to.deep.equal({ count: 4, totalFen: String(100_000 + 250_050 + 1 + 50_000), total: "¥4,000.51" });
      expect(body.payoutsThisMonth.count).to.equal(1);
      expect(body.outboxDepth).to.equal(0);
      expect(body.index.lagBlocks).to.be.a("number");
      expect(body.lastVerification.ok).to.equal(true);
      expect(body.claimsByState === null ? body.claimsNote : body.claimsByState).to.not.equal(undefined);
    });
  });
});
