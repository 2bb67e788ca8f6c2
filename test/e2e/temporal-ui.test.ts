/**
 * The Temporal UI as the place to watch runs, checked in a real browser: Debian's chromium,
 * driven headless by playwright-core, opens the run's dev server UI, finds baton workflows by
 * search-attribute queries, and reads their summary, details, current details and activity
 * summaries where a user would.
 *
 * Screenshots go to $TMPDIR/baton-ui-screenshots/ on every run; with BATON_UPDATE_SCREENSHOTS=1 (or when the
 * README's copy is missing) they also replace the ones in docs/images/, so an ordinary test run
 * does not rewrite tracked files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureChromium } from '../support/chromium';
import { startTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { uniqueId } from '../support/unique-id';

const DOCS_IMAGES = path.join(__dirname, '..', '..', 'docs', 'images');
// Generous: the UI renders slowly on a loaded 2-core machine; this bounds a wait, it asserts no speed.
const UI_TIMEOUT_MS = 45_000;

let env: TestEnvironment;
let browser: Browser;
let shotDir: string;

beforeAll(async () => {
  // Installing chromium on a fresh machine (apt-get) takes about 40 s; the hook allows for a slow mirror.
  const { executablePath } = await ensureChromium((line) => console.log(`[chromium] ${line}`));
  env = await startTestEnvironment();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  // One fixed folder, overwritten by each run, so screenshots can be looked at without piling up.
  shotDir = path.join(os.tmpdir(), 'baton-ui-screenshots');
  fs.mkdirSync(shotDir, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
});

/** A UI page in a fresh browser context (no shared cookies or local storage between tests). */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  return page;
}

/** The workflows list filtered by a visibility query, the way a user types it in the UI. */
function listUrl(query: string): string {
  return `${inject('temporalUiUrl')}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
}

/**
 * Opens the workflows list for `query` and returns once the row linking to `workflowId` shows.
 * Visibility lags a moment behind the server, so the list is reloaded until the row appears.
 */
async function openListAndFind(page: Page, query: string, workflowId: string): Promise<void> {
  const row = page.locator(`a[href*="/workflows/${encodeURIComponent(workflowId)}/"]`).first();
  const deadline = Date.now() + UI_TIMEOUT_MS;
  await page.goto(listUrl(query));
  for (;;) {
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      return;
    } catch {
      if (Date.now() > deadline) {
        const body = await page.innerText('body').catch(() => '(no page)');
        throw new Error(
          `The Temporal UI's workflow list for ${JSON.stringify(query)} (${page.url()}) did not show ${workflowId} ` +
            `within ${UI_TIMEOUT_MS / 1000}s. The page said:\n${body.slice(0, 2_000)}`,
        );
      }
      await page.reload();
    }
  }
}

type MetadataSection = 'Summary' | 'Details' | 'Current Details';

/**
 * Waits until each section of the User Metadata tab shows the expected texts. The UI renders
 * summary, details and current details as markdown, each in its own `/render` iframe.
 */
async function waitForMetadata(
  page: Page,
  expected: Partial<Record<MetadataSection, Array<string | RegExp>>>,
): Promise<void> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const seen = await renderedFields(page);
    const missing = Object.entries(expected).flatMap(([section, texts]) =>
      texts
        .filter((text) => {
          const shown = seen[section] ?? '';
          return typeof text === 'string' ? !shown.includes(text) : !text.test(shown);
        })
        .map((text) => `${section}: ${String(text)}`),
    );
    if (missing.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `The Temporal UI's User Metadata tab (${page.url()}) does not show ${missing.join('; ')}. ` +
          `It shows:\n${JSON.stringify(seen, null, 2)}`,
      );
    }
    await page.waitForTimeout(250);
  }
}

/** The part of the DOM that finding a section heading needs (the project compiles without lib.dom). */
interface DomNode {
  parentElement: DomNode | null;
  previousElementSibling: { textContent: string | null } | null;
}

/** The text of each markdown field on the User Metadata tab, keyed by its section heading. */
async function renderedFields(page: Page): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  const frames = page.locator('iframe[title="output"]');
  const count = await frames.count();
  for (let i = 0; i < count; i++) {
    const frame = frames.nth(i);
    // The section heading is the nearest preceding text ("Summary", "Details", "Current Details").
    const heading = await frame
      .evaluate((el: DomNode) => {
        for (let node: DomNode | null = el; node; node = node.parentElement) {
          const h = node.previousElementSibling?.textContent?.trim();
          if (h) return /^(Current Details|Summary|Details)/.exec(h)?.[1] ?? h;
        }
        return '';
      })
      .catch(() => '');
    const text = await frame
      .contentFrame()
      .locator('body')
      .innerText({ timeout: 1_000 })
      .catch(() => '');
    fields[heading || `field ${i + 1}`] = text;
  }
  return fields;
}

/** Waits for visible text on the page itself (not in a markdown iframe). */
async function waitForText(
  page: Page,
  what: string,
  text: string,
  options: { exact?: boolean } = {},
): Promise<void> {
  try {
    await page.getByText(text, options).first().waitFor({ state: 'visible' });
  } catch {
    throw new Error(`The Temporal UI (${page.url()}) does not show ${what}: "${text}".`);
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(shotDir, name);
  await page.screenshot({ path: file });
  const docsCopy = path.join(DOCS_IMAGES, name);
  if (process.env.BATON_UPDATE_SCREENSHOTS === '1' || !fs.existsSync(docsCopy)) {
    fs.mkdirSync(DOCS_IMAGES, { recursive: true });
    fs.copyFileSync(file, docsCopy);
    console.log(`[screenshot] ${docsCopy}`);
  } else {
    console.log(`[screenshot] ${file} (BATON_UPDATE_SCREENSHOTS=1 to update docs/images/${name})`);
  }
}

describe('the Temporal UI', () => {
  it('finds a SPEC by its search attributes and shows its summary, details, phase and activity summaries', async () => {
    const specUi = uniqueId('SPEC-UI');
    const started = await env.baton.specs.start({
      spec_id: specUi,
      title: 'Token-bucket rate limiter',
      requirements: ['refill at a fixed rate', 'reject when the bucket is empty'],
      acceptance_criteria: ['a burst above the bucket size gets 429'],
    });
    const result = await env.baton.specs.result(specUi);
    expect(result.status).toBe('completed');

    const page = await newPage();
    // The test's own task queue keeps other test files' SPECs (same dev server) out of the list.
    const query = `BatonKind = 'spec' AND BatonPhase = 'completed' AND TaskQueue = '${env.taskQueue}'`;
    await openListAndFind(page, query, started.workflow_id);
    await page.getByText('BatonKind', { exact: false }).first().waitFor();
    await screenshot(page, 'temporal-ui-spec-list.png');

    await page.locator(`a[href*="/workflows/${started.workflow_id}/"]`).first().click();
    await page.waitForURL(`**/workflows/${started.workflow_id}/${started.run_id}/history`);
    await page.getByTestId('workflow-id-heading').getByText(started.workflow_id).waitFor();

    // History: the static summary on the start event, the activity summaries on the timeline
    // ("runModelTurn • model: turn 1") and on their Activity Task Scheduled events.
    await waitForText(
      page,
      'the static summary on the start event',
      `SPEC ${specUi}: Token-bucket rate limiter`,
    );
    await waitForText(page, 'the first turn on the timeline', 'runModelTurn • model: turn 1');
    await waitForText(page, 'the last turn on the timeline', 'runModelTurn • model: turn 4');
    await waitForText(page, 'the summary of a scheduled activity', 'model: turn 4', { exact: true });

    await page.getByTestId('user-metadata-tab').click();
    await page.waitForURL('**/user-metadata');
    await waitForMetadata(page, {
      Summary: [`SPEC ${specUi}: Token-bucket rate limiter`],
      Details: ['Token-bucket rate limiter', 'reject when the bucket is empty'],
      'Current Details': [
        new RegExp(`SPEC ${specUi} · completed · 4 of 4 phases done`),
        /[█░]{20} 0\.\d% · [\d,]+ \/ 200,000 tokens · \$0\.\d{4}/,
      ],
    });
    await waitForText(page, 'the activity summary under Events with Metadata', 'model: turn 4');
    await screenshot(page, 'temporal-ui-spec.png');
    await page.context().close();
  }, 180_000);

  it('finds a running session by its search attributes and shows current details that keep up', async () => {
    const { session_id } = await env.baton.sessions.start({ task: 'Design a rate limiter for a public API' });
    for (const message of ['Which algorithm fits bursty clients?', 'Where do we keep the counters?']) {
      await env.baton.sessions.send(session_id, message);
    }

    const page = await newPage();
    const query = `BatonKind = 'session' AND BatonTokensUsed > 0 AND ExecutionStatus = 'Running' AND TaskQueue = '${env.taskQueue}'`;
    await openListAndFind(page, query, session_id);
    await page.locator(`a[href*="/workflows/${session_id}/"]`).first().click();
    await page.getByTestId('workflow-id-heading').getByText(session_id).waitFor();
    await page.getByTestId('user-metadata-tab').click();
    await waitForMetadata(page, {
      Summary: [`session ${session_id} · claude-sonnet-4-6`],
      Details: ['Task: Design a rate limiter for a public API'],
      'Current Details': ['· turn 2 ·', /[█░]{20} [\d.]+% · [\d,]+ \/ 200,000 tokens · \$0\.\d{4}/],
    });
    await waitForText(page, 'the activity summary under Events with Metadata', 'model: turn 2');

    // Current details are read from the running workflow: after another turn, a refresh shows it.
    await env.baton.sessions.send(session_id, 'And when Redis is down?');
    await page.reload();
    await waitForMetadata(page, { 'Current Details': ['· turn 3 ·'] });
    await waitForText(page, 'the activity summary under Events with Metadata', 'model: turn 3');
    await screenshot(page, 'temporal-ui-session.png');
    await page.context().close();
  }, 180_000);
});
