/**
 * The API docs page (/docs) in headless Chromium (Debian's package, driven by playwright-core). The gateway's own
 * express app is built in-process with every route (the same definitions that make /openapi.json) and listens on a
 * free port of 127.0.0.1; no chain is needed, since the page only reads the OpenAPI document. The screenshots go to
 * test-artifacts/screenshots/ (git-ignored).
 */
import { expect } from "chai";
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createApp } from "../../gateway/app.js";
import { createMetrics } from "../../gateway/api/metrics.js";
import { createLogger } from "../../gateway/logger.js";
import { ERROR_CATALOG } from "../../gateway/errors.js";

const SCREENSHOTS = path.resolve("test-artifacts", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Services are only called by requests to /v1, which these tests never make. */
function unusedServices(): any {
  const fail = (): never => {
    throw new Error("the docs test calls no service");
  };
  const proxy: any = new Proxy(fail, { get: () => proxy, apply: fail });
  return proxy;
}

describe("API docs page in a real browser", function () {
  this.timeout(240_000);
  let server: Server;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let operationIds: string[];
  let externalRequests: string[];

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const app = createApp({
      services: unusedServices(),
      credentials: { authenticate: () => undefined } as any,
      metrics: createMetrics(() => 0, () => null),
      logger: createLogger("silent"),
      health: async () => ({ status: "ok", chain: { reachable: true, headBlock: 0 }, index: { block: 0, lag: 0 }, outbox: { depth: 0 } }),
      rateLimitPerMinute: 1000,
      bodyLimitBytes: 1_000_000,
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const { port } = server.address() as { port: number };
    url = `http://127.0.0.1:${port}`;
    const document = await (await fetch(`${url}/openapi.json`)).json();
    operationIds = Object.values(document.paths as Record<string, Record<string, { operationId?: string }>>)
      .flatMap((item) => Object.values(item).map((op) => op.operationId))
      .filter((id): id is string => typeof id === "string");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "zh-CN" });
    page = await context.newPage();
    externalRequests = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(url) && !request.url().startsWith("data:")) externalRequests.push(request.url());
    });
  });
  afterEach(async () => {
    await context?.close();
  });

  const shot = (name: string, fullPage = false) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });

  async function openDocs(): Promise<void> {
    await page.goto(`${url}/docs`);
    await page.locator("section.op").first().waitFor();
  }

  it("shows the page in Chinese first, with every operationId of /openapi.json on it", async () => {
    expect(operationIds.length).to.be.greaterThan(10);
    await openDocs();
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
    expect(await page.locator("h1").textContent()).to.equal("养老金账本网关 API 文档");
    expect(await page.locator("#tag-audit").textContent()).to.include("审计");
    const shown = await page.locator("section.op code.operation-id").allTextContents();
    expect([...shown].sort()).to.deep.equal([...operationIds].sort());
    // Landmarks and the skip link.
    expect(await page.locator("main#main").count()).to.equal(1);
    expect(await page.locator("nav#toc").getAttribute("aria-label")).to.equal("目录");
    expect(externalRequests).to.deep.equal([]);
    await shot("10-docs-zh");
  });

  it("shows each operation with its Chinese summary first, method and path, allowed institutions in Chinese, the request body and error codes", async () => {
    await openDocs();
    const card = page.locator("#op-contribute");
    expect(await card.locator("h3 .primary").textContent()).to.equal("个人养老金缴费");
    expect(await card.locator("h3 .alt").textContent()).to.equal("Credit one personal-pension contribution");
    expect(await card.locator(".method").textContent()).to.equal("POST");
    expect(await card.locator("code.path").textContent()).to.equal("/v1/contributions");
    expect(await card.locator(".allowed .chip").allTextContents()).to.deep.equal(["银行"]);
    // Request body: the fields and an example built from the schema's examples (amounts are integer fen).
    expect(await card.locator("table.fields").textContent()).to.include("bankReference");
    const example = JSON.parse((await card.locator("pre.example").textContent())!);
    expect(example.amount).to.match(/^\d+$/);
    expect(example).to.have.property("bankReference");
    // Responses with their error codes, explained in Chinese.
    const forbidden = card.locator('tr[data-status="403"]');
    expect(await forbidden.textContent()).to.include("FORBIDDEN_FOR_ROLE");
    expect(await forbidden.textContent()).to.include("本机构无权执行此操作");
    // Inline code in descriptions is rendered as <code>, with no literal backticks left anywhere on the page.
    expect(await page.locator("#op-verifyTaxCertificate .desc code").count()).to.be.greaterThan(0);
    const prose = await page.locator("main").evaluate((main) => {
      const copy = main.cloneNode(true) as HTMLElement;
      for (const raw of copy.querySelectorAll("pre")) raw.remove(); // raw JSON Schema is shown as it is
      return copy.textContent ?? "";
    });
    expect(prose).to.include("个人养老金缴费");
    expect(prose).not.to.include("`");
    // The tax bureau is named as such where it may not resolve ID numbers.
    expect(await page.locator("#op-searchAccounts .allowed").textContent()).to.include("税务机关");
    await card.scrollIntoViewIfNeeded();
    await shot("11-docs-operation-zh");
  });

  it("lists every error code of the catalog with its HTTP status and a sentence", async () => {
    await openDocs();
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      const row = page.locator(`#error-${code}`);
      expect(await row.locator("td").nth(1).textContent(), code).to.equal(String(entry.status));
      expect((await row.locator("td.meaning").textContent())!.length, code).to.be.greaterThan(0);
    }
    expect(await page.locator("#error-UNAUTHENTICATED td.meaning").textContent()).to.equal("凭证缺失或无效，请重新登录。");
  });

  it("switches to English with the keyboard and back to Chinese", async () => {
    await openDocs();
    // Tab order: the skip link, then the language switch.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("skip");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("lang");
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Pension ledger gateway API" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("en");
    const card = page.locator("#op-contribute");
    expect(await card.locator("h3 .primary").textContent()).to.equal("Credit one personal-pension contribution");
    expect(await card.locator("h3 .alt").textContent()).to.equal("个人养老金缴费");
    expect(await card.locator(".allowed .chip").allTextContents()).to.deep.equal(["Bank"]);
    expect(await page.locator("#error-UNAUTHENTICATED td.meaning").textContent()).to.equal(ERROR_CATALOG.UNAUTHENTICATED.en);
    const shown = await page.locator("section.op code.operation-id").allTextContents();
    expect([...shown].sort()).to.deep.equal([...operationIds].sort());
    await shot("12-docs-en");
    await page.locator("#lang").click();
    await page.locator("h1", { hasText: "养老金账本网关 API 文档" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).to.equal("zh-CN");
  });
});
