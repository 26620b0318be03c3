/**
 * The web console in headless Chromium (Debian's package, driven by playwright-core) against the real stack:
 * anvil, the deployed ledger and the gateway on free ports. Screenshots of each page go to
 * test-artifacts/screenshots/ (git-ignored).
 */
import { expect } from "chai";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { seedHistory, startAuditStack, type AuditStack } from "../gateway/audit/stack.js";

const SCREENSHOTS = path.resolve("test-artifacts", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("web console in a real browser (issue 6)", function () {
  this.timeout(240_000);
  let stack: AuditStack;
  let seeded: Awaited<ReturnType<typeof seedHistory>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startAuditStack();
    seeded = await seedHistory(stack);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  async function signIn(institution: keyof AuditStack["tokens"]): Promise<void> {
    await page.goto(`${stack.url}/console/`);
    await page.getByLabel("机构凭证").fill(stack.tokens[institution]);
    await page.getByLabel("机构凭证").press("Enter");
    await page.locator("h1", { hasText: "账户查询" }).waitFor();
  }

  async function openAccountByResidentId(residentId: string): Promise<void> {
    await page.getByLabel("查询方式").selectOption("residentId");
    await page.getByLabel("查询内容").fill(residentId);
    await page.getByRole("button", { name: "查询" }).click();
    await page.locator("a.open-account").first().click();
    await page.locator("#timeline").waitFor();
  }

  it("signs in with the keyboard and shows the search page with Chinese labels", async () => {
    await page.goto(`${stack.url}/console/`);
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    await page.locator("h1", { hasText: "登录" }).waitFor();
    // Focus starts on the page's heading; the next Tab reaches the credential field.
    expect(await page.evaluate(() => document.activeElement?.tagName)).to.equal("H1");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("credential");
    await shot("01-sign-in");
    await page.keyboard.type(stack.tokens.auditor);
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "账户查询" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("console.token"))).to.equal(stack.tokens.auditor);
    // The institution by its Chinese name, not its API name or role code.
    expect(await page.locator("#who").textContent()).to.equal("当前机构：审计/监管");
    expect(await page.locator("#who").getAttribute("data-institution")).to.equal("auditor");
    // Keyboard only: Tab reaches the search form's labelled controls in order, with a visible focus ring, and Enter submits.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("search-kind");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).to.equal("solid");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("search-value");
    await page.keyboard.type(seeded.pseudonymA);
    await page.keyboard.press("Enter");
    await page.locator("a.open-account").first().waitFor();
    await shot("02-search");
  });

  it("finds an account by resident ID number and shows the same entries as getAccountHistory, with balances and the chart", async () => {
    await signIn("auditor");
    await openAccountByResidentId(seeded.idA);
    const api = await stack.api("auditor", "GET", `/v1/audit/accounts/${seeded.accountA}/history?limit=1000`);
    const rows = await page.locator("#timeline tbody tr").evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute("data-tx")}:${tr.getAttribute("data-log")}`));
    expect(rows).to.deep.equal(api.body.entries.map((e: { txHash: string; logIndex: number }) => `${e.txHash}:${e.logIndex}`));
    const personal = await page.locator('#balances tr[data-ledger="personalContributions"] td').textContent();
    expect(personal).to.equal("¥3,500.51");
    expect(await page.locator('#balance-chart svg path[data-series="balance"]').count()).to.equal(1);
    const timeline = await page.locator("#timeline").textContent();
    expect(timeline).to.include("¥2,500.50");
    expect(timeline).to.match(/20\d\d-\d\d-\d\d \d\d:\d\d:\d\d/);
    await shot("03-account");
  });

  it("opens an entry's proof from the chain node, matching the index", async () => {
    await signIn("auditor");
    await openAccountByResidentId(seeded.idA);
    const first = page.locator("#timeline tbody tr").nth(1);
    const tx = await first.getAttribute("data-tx");
    await first.getByRole("link").click();
    await page.locator("#proof").waitFor();
    expect(await page.locator("#matches-index").textContent()).to.equal("是");
    expect(await page.locator("#proof").textContent()).to.include(tx!);
    expect(await page.locator("#raw-receipt").textContent()).to.include('"transactionHash"');
    await shot("04-proof");
  });

  it("runs verification and shows OK, then names the operation whose contribution was altered in the index", async () => {
    await signIn("auditor");
    await page.getByRole("link", { name: "系统概况" }).click();
    await page.locator("#verify-now").click();
    await page.locator("#verification .ok").waitFor();
    const journal = await stack.api("auditor", "GET", "/v1/audit/journal?limit=1000");
    expect(await page.locator("#verification").textContent()).to.include(`共 ${journal.body.operations.length} 笔操作`);
    expect(await page.locator("#fig-accounts").textContent()).to.equal("2");
    const summary = await stack.api("auditor", "GET", "/v1/audit/summary");
    expect(await page.locator("#fig-contributions").textContent()).to.equal(`${summary.body.contributionsThisMonth.count} 笔 · ¥4,000.51`);
    await shot("05-system-verified");

    const db = stack.gateway.store.database.db;
    const row = db.prepare("SELECT tx_hash, log_index FROM idx_contributions WHERE amount = '100000'").get() as { tx_hash: string; log_index: number };
    const sequence = (db.prepare("SELECT sequence FROM audit_entries WHERE tx_hash = ? AND log_index = ?").get(row.tx_hash, row.log_index) as { sequence: number }).sequence;
    db.prepare("UPDATE idx_contributions SET amount = '1000000' WHERE tx_hash = ? AND log_index = ?").run(row.tx_hash, row.log_index);
    try {
      await page.locator("#verify-now").click();
      await page.locator("#verification .bad").waitFor();
      const text = await page.locator("#verification").textContent();
      expect(text).to.include(`第 ${sequence} 笔操作不一致`);
      expect(text).to.include("被篡改");
      expect(text).to.include("idx_contributions");
      expect(text).to.include("索引值：1000000；链上值：100000");
      await shot("06-system-diverged");
    } finally {
      db.prepare("UPDATE idx_contributions SET amount = '100000' WHERE tx_hash = ? AND log_index = ?").run(row.tx_hash, row.log_index);
    }
  });

  it("downloads the account's CSV and JSON exports with the verifiable header", async () => {
    await signIn("auditor");
    await openAccountByResidentId(seeded.idA);
    const entries = await page.locator("#timeline tbody tr").count();
    const [csv] = await Promise.all([page.waitForEvent("download"), page.locator("#export-csv").click()]);
    const csvText = readFileSync((await csv.path())!, "utf8");
    expect(csv.suggestedFilename()).to.match(/^account-[0-9a-f]{10}\.csv$/);
    expect(csvText).to.include("# chainId: 31337");
    expect(csvText).to.include(`# ledgerAddress: ${stack.ledgerAddress.toLowerCase()}`);
    expect(csvText.split("\n").filter((l) => l && !l.startsWith("#")).length).to.equal(entries + 1);
    const [json] = await Promise.all([page.waitForEvent("download"), page.locator("#export-json").click()]);
    const parsed = JSON.parse(readFileSync((await json.path())!, "utf8"));
    expect(parsed.header.runningHash).to.equal(parsed.header.chainRunningHash);
    expect(parsed.entries).to.have.length(entries);
  });

  it("explains a rejected credential in words, in Chinese and in English, with the code in small print", async () => {
    await page.goto(`${stack.url}/console/`);
    await page.getByLabel("机构凭证").fill("not-a-credential");
    await page.getByLabel("机构凭证").press("Enter");
    await page.locator("#alert:not([hidden])").waitFor();
    expect(await page.locator("#alert .alert-text").textContent()).to.equal("凭证无效，请检查后重新输入。");
    expect(await page.locator("#alert-code").textContent()).to.equal("UNAUTHENTICATED");
    expect(await page.locator("#alert").textContent()).not.to.match(/^错误: /);
    await shot("09-sign-in-rejected");
    await page.locator("#lang").click();
    await page.getByLabel("Institution credential").fill("still-not-a-credential");
    await page.getByLabel("Institution credential").press("Enter");
    await page.locator("#alert .alert-text", { hasText: "The credential is not valid" }).waitFor();
    expect(await page.locator("#alert-code").textContent()).to.equal("UNAUTHENTICATED");
  });

  it("tells the tax bureau in words that it may not open a chain proof", async () => {
    await signIn("taxBureau");
    await page.goto(`${stack.url}/console/#/proof/0x${"ab".repeat(32)}/0`);
    await page.locator("#alert:not([hidden])").waitFor();
    expect(await page.locator("#alert .alert-text").textContent()).to.equal("本机构无权执行此操作。");
    expect(await page.locator("#alert-code").textContent()).to.equal("FORBIDDEN_FOR_ROLE");
    expect(await page.locator("#who").textContent()).to.equal("当前机构：税务机关");
    expect(await page.locator("main .loading").count()).to.equal(0);
    await shot("09b-tax-bureau-forbidden");
  });

  it("switches to English and keeps amounts as ¥ with Shanghai times", async () => {
    await signIn("auditor");
    await page.locator("#lang").click();
    await page.locator("h1", { hasText: "Find an account" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("en");
    expect(await page.locator("#who").textContent()).to.equal("Signed in as: Auditor / regulator");
    await page.getByLabel("Search by").selectOption("residentId");
    await page.getByLabel("Search for").fill(seeded.idA);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.locator("a.open-account").first().click();
    await page.locator("#timeline").waitFor();
    expect(await page.locator("#timeline thead").textContent()).to.include("Time (Asia/Shanghai)");
    expect(await page.locator('#balances tr[data-ledger="balance"] th').textContent()).to.equal("Balance");
    await shot("07-account-english");
    // The proof and system pages in English too, with times in Asia/Shanghai and amounts as ¥.
    await page.locator("#timeline tbody tr").first().getByRole("link").click();
    await page.locator("h1", { hasText: "Chain proof" }).waitFor();
    expect(await page.locator("#matches-index").textContent()).to.equal("yes");
    expect(await page.locator("#proof").textContent()).to.match(/20\d\d-\d\d-\d\d \d\d:\d\d:\d\d/);
    await shot("07b-proof-english");
    await page.getByRole("link", { name: "System" }).click();
    await page.locator("h1", { hasText: "System" }).waitFor();
    expect(await page.locator("#fig-contributions").textContent()).to.match(/^\d+ · ¥[\d,]+\.\d\d$/);
    expect(await page.getByRole("button", { name: "Verify now" }).count()).to.equal(1);
    await shot("07c-system-english");
  });

  it("does not let the tax bureau resolve a resident ID number or read the history, but shows it the account by pseudonym", async () => {
    await signIn("taxBureau");
    expect(await page.locator('#search-kind option[value="residentId"]').count()).to.equal(0);
    expect(await page.locator("#no-resident-id").isVisible()).to.equal(true);
    expect(await page.locator("#nav-system").isVisible()).to.equal(false);
    const forced = await page.evaluate(async (id) => {
      const res = await fetch("/v1/audit/account-search", {
        method: "POST",
        headers: { Authorization: `Bearer ${sessionStorage.getItem("console.token")}`, "Content-Type": "application/json" },
        body: JSON.stringify({ residentId: id }),
      });
      return { status: res.status, body: await res.json() };
    }, seeded.idA);
    expect(forced.status).to.equal(403);
    expect(forced.body.code).to.equal("FORBIDDEN_FOR_ROLE");
    await page.getByLabel("查询方式").selectOption("pseudonym");
    await page.getByLabel("查询内容").fill(seeded.pseudonymA);
    await page.getByRole("button", { name: "查询" }).click();
    await page.locator("a.open-account").first().click();
    await page.locator("#no-history").waitFor();
    expect(await page.locator("#timeline").count()).to.equal(0);
    // The tax bureau's view of an account is its tax figures only (no balances, no holder): shown as ¥ from integer fen.
    expect(await page.locator("#balances").count()).to.equal(0);
    const view = await stack.api("taxBureau", "GET", `/v1/accounts/${seeded.accountA}`);
    expect(view.body.view).to.equal("taxBureau");
    const yuan = (fen: string) => `¥${(BigInt(fen) / 100n).toLocaleString("en-US")}.${(BigInt(fen) % 100n).toString().padStart(2, "0")}`;
    expect(await page.locator('#tax-figures tr[data-figure="taxWithheld"] td').textContent()).to.equal(yuan(view.body.withholding.taxWithheld));
    expect(await page.locator('#tax-figures tr[data-figure="taxWithheld"] th').textContent()).to.equal("已代扣税款");
    expect(await page.locator('#tax-figures tr[data-figure="personalTotal"] td').textContent()).to.equal("¥3,500.51");
    await shot("08-tax-bureau-account");
    // The system page is not the tax bureau's: the console shows it the search page instead.
    await page.goto(`${stack.url}/console/#/system`);
    await page.locator("h1", { hasText: "账户查询" }).waitFor();
    expect(await page.locator("#figures").count()).to.equal(0);
  });
});
