/**
 * The tax bureau's services: the annual certificate per taxpayer, its verification against the chain, and the
 * annual withholding report.
 *
 * A certificate lists, for one taxpayer (resident ID number) and one tax year (CST calendar year):
 * - the personal-pension contributions credited in the year (the ledger's PersonalContributionCredited events of
 *   the taxpayer's personal account with that year), their total and the deductible part, min(total, the year's
 *   cap — 1,200,000 fen), each with its transaction hash and log index;
 * - the personal-pension payouts settled to the taxpayer in the year (PayoutSettled to the member's pseudonym, or
 *   to the taxpayer's heir references after an inheritance), gross, tax withheld, net, each with its transaction;
 *   payouts the bank reported as failed were reversed on chain and are left out;
 * - the ledger's audit state at issue (operation count, running hash, block).
 * `certificateHash` = SHA-256 of the canonical JSON of everything else; `seal` = the gateway's keyed hash of it.
 *
 * The figures and the ledger section describe one block: the gateway waits (bounded) until its event index has
 * reached the chain head and takes the audit state at the indexed block (a lagging index: CHAIN_UNAVAILABLE).
 *
 * Verification re-reads each listed transaction's receipt from the chain and compares the decoded event with the
 * certificate line (account, payee, amounts, year), recomputes the totals, the hash and the seal, checks the
 * running hash against the ledger's OperationRecorded event of that sequence, and — to find omissions — re-reads
 * the year's contributions and payouts of the taxpayer's accounts from the chain (eth_getLogs by the account's
 * indexed topic, up to the certificate's block) and compares counts and totals. Any difference is named.
 */
import { createHash, randomUUID } from "node:crypto";
import { accountIdOf } from "../../chain/ledgerInterface.js";
import { formatFen } from "../../domain/money.js";
import { parseResidentId, requireResidentId } from "../../domain/residentId.js";
import { PERSONAL_PENSION_ANNUAL_CAP_FEN } from "../../domain/taxSaving.js";
import { AppError, ERROR_CATALOG } from "../../errors.js";
import { canonicalJson } from "../../store/json.js";
import type { Caller, ServiceDeps } from "../context.js";
import { cstParts, shanghaiTime } from "../time.js";
import type { HeirVault } from "./heirVault.js";
import type { LedgerEvidencePort } from "./ledgerEvidence.js";
import type { ClaimsRepository, IndexedPayout } from "./repository.js";

export const TAX_CERTIFICATE_VERSION = "pension-ledger/tax-certificate/v1";
const FIRST_TAX_YEAR = 2022; // personal pension started in November 2022

export interface TaxCertificate {
  version: typeof TAX_CERTIFICATE_VERSION;
  certificateId: string;
  taxYear: number;
  taxpayer: { residentId: string };
  issuedAt: string;
  issuedAtCst: string;
  contributions: {
    items: { txHash: string; logIndex: number; blockNumber: number; amount: string }[];
    total: string;
    annualCap: string;
    deductible: string;
    display: { total: string; deductible: string };
  };
  payouts: {
    items: { payoutId: number; txHash: string; blockNumber: number; accountId: string; gross: string; tax: string; net: string }[];
    gross: string;
    taxWithheld: string;
    net: string;
    display: { gross: string; taxWithheld: string; net: string };
  };
  ledger: { operationCount: string; runningHash: string; blockNumber: number };
  certificateHash: string;
  seal: string;
}

export interface CertificateCheck {
  check: string;
  ok: boolean;
  detail?: string;
}

export interface CertificateVerification {
  valid: boolean;
  checks: CertificateCheck[];
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

export function certificateHashOf(certificate: Omit<TaxCertificate, "certificateHash" | "seal"> & Partial<TaxCertificate>): string {
  const { certificateHash: _h, seal: _s, ...content } = certificate;
  void _h;
  void _s;
  return "0x" + createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

export class TaxService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly repo: ClaimsRepository,
    private readonly evidence: LedgerEvidencePort,
    private readonly heirVault: HeirVault,
  ) {}

  private requireYear(year: number): void {
    const current = cstParts(this.deps.clock()).year;
    if (!Number.isInteger(year) || year < FIRST_TAX_YEAR || year > current) {
      throw new AppError("TAX_YEAR_INVALID", `${ERROR_CATALOG.TAX_YEAR_INVALID.en} (2022..${current})`, { field: "year" });
    }
  }

  private async yearOf(blockNumber: number): Promise<number> {
    return cstParts(new Date((await this.evidence.blockTime(blockNumber)) * 1000)).year;
  }

  private personalAccount(accountId: string): boolean {
    return this.deps.store.eventIndex.account(accountId)?.kind === "PersonalPension";
  }

  /** Personal-pension payouts to a taxpayer (as member or heir) settled in a CST year, failed ones left out. */
  private async payoutsOf(residentId: string, year: number): Promise<IndexedPayout[]> {
    const payees = [this.deps.store.members.pseudonymOf(residentId), ...this.repo.heirsByLookup(this.heirVault.idLookup(residentId)).map((h) => h.heirRef)];
    const result: IndexedPayout[] = [];
    for (const p of this.repo.payoutsToPayees(payees)) {
      if (p.status === "Failed" || !this.personalAccount(p.accountId)) continue;
      if ((await this.yearOf(p.blockNumber)) === year) result.push(p);
    }
    return result;
  }

  async getTaxCertificate(caller: Caller, input: { residentId: string; year: number }): Promise<TaxCertificate> {
    void caller;
    this.requireYear(input.year);
    const id = requireResidentId(input.residentId, { today: this.deps.clock() });
    if (!this.deps.store.members.byResidentId(id.id) && this.repo.heirsByLookup(this.heirVault.idLookup(id.id)).length === 0) {
      throw new AppError("MEMBER_NOT_FOUND", `${ERROR_CATALOG.MEMBER_NOT_FOUND.en} (neither a member nor a registered heir)`, { field: "residentId" });
    }
    const member = this.deps.store.members.pseudonymOf(id.id);
    // The figures come from the index and the ledger section from the chain: both must describe the same block.
    const indexedBlock = await this.indexAtHead();
    const contributions = this.repo.personalContributionsInYear(accountIdOf(member), input.year).filter((c) => c.blockNumber <= indexedBlock);
    const payouts = (await this.payoutsOf(id.id, input.year)).filter((p) => p.blockNumber <= indexedBlock);
    const [cap, audit] = await Promise.all([this.annualCap(input.year), this.evidence.auditState(indexedBlock)]);
    const total = sum(contributions.map((c) => c.amount));
    const deductible = min(total, cap);
    const gross = sum(payouts.map((p) => p.gross));
    const tax = sum(payouts.map((p) => p.tax));
    const net = sum(payouts.map((p) => p.net));
    const now = this.deps.clock();
    const content: Omit<TaxCertificate, "certificateHash" | "seal"> = {
      version: TAX_CERTIFICATE_VERSION,
      certificateId: randomUUID(),
      taxYear: input.year,
      taxpayer: { residentId: id.id },
      issuedAt: now.toISOString(),
      issuedAtCst: shanghaiTime(now),
      contributions: {
        items: contributions.map((c) => ({ txHash: c.txHash, logIndex: c.logIndex, blockNumber: c.blockNumber, amount: c.amount.toString() })),
        total: total.toString(),
        annualCap: cap.toString(),
        deductible: deductible.toString(),
        display: { total: formatFen(total), deductible: formatFen(deductible) },
      },
      payouts: {
        items: payouts.map((p) => ({ payoutId: p.payoutId, txHash: p.txHash, blockNumber: p.blockNumber, accountId: p.accountId, gross: p.gross.toString(), tax: p.tax.toString(), net: p.net.toString() })),
        gross: gross.toString(),
        taxWithheld: tax.toString(),
        net: net.toString(),
        display: { gross: formatFen(gross), taxWithheld: formatFen(tax), net: formatFen(net) },
      },
      ledger: { operationCount: audit.operationCount.toString(), runningHash: audit.runningHash, blockNumber: audit.blockNumber },
    };
    const certificateHash = certificateHashOf(content);
    return { ...content, certificateHash, seal: this.heirVault.seal("tax-certificate", certificateHash) };
  }

  /**
   * Waits (up to the write timeout) until the event index has reached the chain head as it is now, and returns the
   * indexed block; a lagging index is CHAIN_UNAVAILABLE rather than a certificate that misses recent entries.
   */
  private async indexAtHead(): Promise<number> {
    const head = await this.deps.ledger.headBlock();
    const deadline = Date.now() + this.deps.waitTimeoutMs;
    for (;;) {
      const indexed = this.deps.store.checkpoint.get()?.blockNumber ?? -1;
      if (indexed >= head) return indexed;
      if (Date.now() >= deadline) {
        throw new AppError("CHAIN_UNAVAILABLE", `The gateway's event index is behind the chain (indexed block ${indexed}, head ${head}); retry shortly.`, {
          details: { indexedBlock: indexed, headBlock: head },
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * What the chain itself holds for the taxpayer in the year up to `toBlock`, read by the accounts' indexed topics:
   * the personal account's contributions, and the payouts settled to the taxpayer (as member, or as heir on the
   * deceased's personal account) less those the bank reported failed by then.
   */
  private async chainTotals(member: string, heirs: { refs: Set<string>; accounts: string[] }, year: number, toBlock: number) {
    const own = accountIdOf(member).toLowerCase();
    const payees = new Set([member.toLowerCase(), ...heirs.refs]);
    const contributions = { count: 0, total: 0n };
    const payouts = { count: 0, gross: 0n, tax: 0n, net: 0n };
    for (const accountId of [own, ...heirs.accounts.filter((a) => a !== own)]) {
      const events = await this.evidence.accountEvents(accountId, toBlock);
      const failed = new Set(events.filter((e) => e.name === "PayoutFailed").map((e) => e.args.payoutId));
      for (const e of events) {
        if (e.name === "PersonalContributionCredited" && accountId === own && Number(e.args.year) === year) {
          contributions.count++;
          contributions.total += BigInt(e.args.amount!);
        }
        if (e.name === "PayoutSettled" && payees.has(e.args.payee!) && !failed.has(e.args.payoutId) && cstParts(new Date(e.blockTime * 1000)).year === year) {
          payouts.count++;
          payouts.gross += BigInt(e.args.gross!);
          payouts.tax += BigInt(e.args.tax!);
          payouts.net += BigInt(e.args.net!);
        }
      }
    }
    return { contributions, payouts };
  }

  private async annualCap(year: number): Promise<bigint> {
    const cap = await this.deps.ledger.annualCap(year);
    return cap > 0n ? cap : PERSONAL_PENSION_ANNUAL_CAP_FEN;
  }

  /** Checks a certificate against the chain; never throws for a wrong certificate, it says what is wrong. */
  async verifyTaxCertificate(caller: Caller, certificate: TaxCertificate): Promise<CertificateVerification> {
    void caller;
    const checks: CertificateCheck[] = [];
    const add = (check: string, ok: boolean, detail?: string) => checks.push({ check, ok, ...(ok || !detail ? {} : { detail }) });

    const hash = certificateHashOf(certificate);
    add("certificateHash", hash === certificate.certificateHash, "the certificate's content does not match its hash (altered)");
    add("seal", this.heirVault.seal("tax-certificate", certificate.certificateHash) === certificate.seal, "the seal was not made by this gateway for this hash");

    const taxpayerId = parseResidentId(certificate.taxpayer.residentId, this.deps.clock());
    if (!taxpayerId.ok) {
      add("taxpayer.residentId", false, `not a valid resident ID number (${taxpayerId.check}): ${taxpayerId.message}`);
      return { valid: false, checks };
    }
    const parsedId = taxpayerId.value;
    const member = this.deps.store.members.pseudonymOf(parsedId.id);
    const accountId = accountIdOf(member).toLowerCase();
    const heirRefs = new Set(this.repo.heirsByLookup(this.heirVault.idLookup(parsedId.id)).map((h) => h.heirRef));

    for (const [i, item] of certificate.contributions.items.entries()) {
      const tx = await this.evidence.transaction(item.txHash);
      const event = tx?.events.find((e) => e.logIndex === item.logIndex && e.name === "PersonalContributionCredited");
      const ok = tx !== undefined && tx.succeeded && event !== undefined && event.args.accountId === accountId &&
        event.args.amount === item.amount && Number(event.args.year) === certificate.taxYear && tx.blockNumber === item.blockNumber;
      add(`contributions.items.${i}`, ok, tx ? "the chain's event differs (account, amount, year or block)" : "the chain does not know this transaction");
    }
    for (const [i, item] of certificate.payouts.items.entries()) {
      const tx = await this.evidence.transaction(item.txHash);
      const event = tx?.events.find((e) => e.name === "PayoutSettled" && e.args.payoutId === String(item.payoutId));
      const payeeOk = event !== undefined && (event.args.payee === member.toLowerCase() || heirRefs.has(event.args.payee));
      const ok = tx !== undefined && tx.succeeded && event !== undefined && payeeOk && event.args.accountId === item.accountId.toLowerCase() &&
        event.args.gross === item.gross && event.args.tax === item.tax && event.args.net === item.net &&
        cstParts(new Date(tx.blockTime * 1000)).year === certificate.taxYear;
      add(`payouts.items.${i}`, ok, tx ? "the chain's event differs (payee, account, amounts or year)" : "the chain does not know this transaction");
    }
    const total = sum(certificate.contributions.items.map((c) => BigInt(c.amount)));
    add("contributions.total", total.toString() === certificate.contributions.total, "the total is not the sum of the lines");
    add("contributions.deductible", min(total, BigInt(certificate.contributions.annualCap)).toString() === certificate.contributions.deductible,
      "the deductible part is not min(total, cap)");
    add("contributions.annualCap", (await this.annualCap(certificate.taxYear)).toString() === certificate.contributions.annualCap, "not the ledger's cap for the year");
    const totals = (k: "gross" | "tax" | "net") => sum(certificate.payouts.items.map((p) => BigInt(p[k]))).toString();
    add("payouts.totals", totals("gross") === certificate.payouts.gross && totals("tax") === certificate.payouts.taxWithheld && totals("net") === certificate.payouts.net,
      "the totals are not the sums of the lines");
    const runningHash = await this.evidence.runningHashAt(BigInt(certificate.ledger.operationCount));
    add("ledger.runningHash", runningHash !== undefined && runningHash === certificate.ledger.runningHash.toLowerCase(),
      "the ledger's running hash after that operation differs");

    // Omissions: the chain's own record of the year up to the certificate's block, compared with the totals.
    const head = await this.deps.ledger.headBlock();
    const upTo = certificate.ledger.blockNumber;
    add("ledger.blockNumber", upTo <= head, `the block ${upTo} is after the chain head ${head}`);
    if (upTo <= head) {
      const heirAccounts = this.repo.heirsByLookup(this.heirVault.idLookup(parsedId.id))
        .map((h) => this.repo.claim(h.claimId)?.accountId)
        .filter((a): a is string => a !== undefined && this.personalAccount(a));
      const chain = await this.chainTotals(member, { refs: heirRefs, accounts: heirAccounts }, certificate.taxYear, upTo);
      const listed = certificate.contributions.items.length;
      add("contributions.complete", chain.contributions.count === listed && chain.contributions.total.toString() === certificate.contributions.total,
        `up to block ${upTo} the chain holds ${chain.contributions.count} contributions of the year totalling ${chain.contributions.total} fen; the certificate has ${listed} totalling ${certificate.contributions.total} fen`);
      const paid = certificate.payouts;
      add("payouts.complete", chain.payouts.count === paid.items.length && chain.payouts.gross.toString() === paid.gross &&
        chain.payouts.tax.toString() === paid.taxWithheld && chain.payouts.net.toString() === paid.net,
        `up to block ${upTo} the chain holds ${chain.payouts.count} payouts of the year (gross ${chain.payouts.gross}, tax ${chain.payouts.tax}, net ${chain.payouts.net} fen); the certificate has ${paid.items.length} (gross ${paid.gross}, tax ${paid.taxWithheld}, net ${paid.net} fen)`);
    }
    return { valid: checks.every((c) => c.ok), checks };
  }

  /**
   * The withholding report of a year, as CSV (UTF-8, header row, one row per taxpayer, sorted by ID number):
   * `taxYear,taxpayerId,payouts,grossFen,taxWithheldFen,netFen,gross,taxWithheld`. The taxpayer is identified
   * by the resident ID number (for individuals the tax identification number, 纳税人识别号); nothing else personal
   * is in it. Personal-pension payouts only (the ones the ledger withholds 3 % on); failed payments left out.
   */
  async getWithholdingReport(caller: Caller, input: { year: number }): Promise<{ csv: string; taxpayers: number }> {
    void caller;
    this.requireYear(input.year);
    const rows = new Map<string, { payouts: number; gross: bigint; tax: bigint; net: bigint }>();
    for (const p of this.repo.allPayouts()) {
      if (p.status === "Failed" || !this.personalAccount(p.accountId)) continue;
      if ((await this.yearOf(p.blockNumber)) !== input.year) continue;
      const taxpayer = this.taxpayerOf(p.payee);
      if (!taxpayer) continue;
      const row = rows.get(taxpayer) ?? { payouts: 0, gross: 0n, tax: 0n, net: 0n };
      row.payouts++;
      row.gross += p.gross;
      row.tax += p.tax;
      row.net += p.net;
      rows.set(taxpayer, row);
    }
    const lines = ["taxYear,taxpayerId,payouts,grossFen,taxWithheldFen,netFen,gross,taxWithheld"];
    for (const [taxpayer, r] of [...rows.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push([input.year, taxpayer, r.payouts, r.gross, r.tax, r.net, `"${formatFen(r.gross)}"`, `"${formatFen(r.tax)}"`].join(","));
    }
    return { csv: lines.join("\r\n") + "\r\n", taxpayers: rows.size };
  }

  private taxpayerOf(payee: string): string | undefined {
    const member = this.deps.store.members.byPseudonym(payee);
    if (member) return member.residentId;
    const heir = this.repo.heirByRef(payee);
    return heir ? this.heirVault.decrypt(heir.residentIdEnc) : undefined;
  }
}
