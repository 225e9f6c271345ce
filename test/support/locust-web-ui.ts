/**
 * The Locust 2.12.1 web UI as a person sees it (templates/index.html + static/locust.js): the
 * start form found by its labels, the tabs and the STOP link clicked, and tables read cell by
 * cell under their visible column headings. The page re-renders its tables from
 * /stats/requests every 2 s, so callers poll these reads with a deadline.
 */
import type { Locator, Page } from 'playwright-core';

/** One table row: visible column heading → cell text. */
export type TableRow = Record<string, string>;

const ACTION_TIMEOUT_MS = 10_000;

export class LocustWebUi {
  constructor(readonly page: Page) {}

  /** Loads the UI and waits until its start form is on screen. */
  async open(url: string): Promise<void> {
    await this.page.goto(url, { timeout: ACTION_TIMEOUT_MS });
    await this.#startForm().waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  }

  /** Fills in "Number of users" and "Spawn rate" and clicks "Start swarming". */
  async startSwarm(users: number, spawnRate: number): Promise<void> {
    // Scoped to the start form: the hidden "Edit running load test" form has the same labels.
    const form = this.#startForm();
    await form.getByLabel('Number of users').fill(String(users), { timeout: ACTION_TIMEOUT_MS });
    await form.getByLabel('Spawn rate').fill(String(spawnRate), { timeout: ACTION_TIMEOUT_MS });
    await form.getByRole('button', { name: 'Start swarming' }).click({ timeout: ACTION_TIMEOUT_MS });
  }

  async showTab(name: 'Statistics' | 'Workers'): Promise<void> {
    await this.page.locator('ul.tabs').getByRole('link', { name, exact: true }).click({ timeout: ACTION_TIMEOUT_MS });
  }

  /** Clicks the STOP link in the top bar (the page then calls /stop, which waits for the workers). */
  async stop(): Promise<void> {
    await this.page.getByRole('link', { name: 'STOP', exact: true }).click({ timeout: ACTION_TIMEOUT_MS });
  }

  /** The Statistics tab's table; fails if that tab is not the one shown. */
  statisticsRows(): Promise<TableRow[]> {
    return readVisibleTable(this.page.locator('table#stats'));
  }

  /** The Workers tab's table; fails if that tab is not the one shown. */
  workerRows(): Promise<TableRow[]> {
    return readVisibleTable(this.page.locator('table#workers'));
  }

  /** A top-bar figure by its element id (status_text, userCount, workerCount, total_rps). */
  async topBar(id: 'status_text' | 'userCount' | 'workerCount' | 'total_rps'): Promise<string> {
    return ((await this.page.locator(`#${id}`).textContent({ timeout: ACTION_TIMEOUT_MS })) ?? '').trim();
  }

  #startForm(): Locator {
    return this.page.locator('form#swarm_form');
  }
}

/** The little of the DOM the in-page reader touches (the repo's tsconfig has no DOM lib). */
interface DomNode {
  innerText: string;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}

async function readVisibleTable(table: Locator): Promise<TableRow[]> {
  // A person can only read the table of the tab that is shown; a hidden one is a test bug.
  await table.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  return table.evaluate((el) => {
    const text = (node: DomNode) => node.innerText.replace(/\s+/g, ' ').trim();
    const root = el as unknown as DomNode;
    const headings = Array.from(root.querySelectorAll('thead th'), text);
    return Array.from(root.querySelectorAll('tbody tr'), (tr) => {
      const row: Record<string, string> = {};
      Array.from(tr.querySelectorAll('td'), text).forEach((cell, i) => {
        row[headings[i] ?? String(i)] = cell;
      });
      return row;
    });
  });
}

/** Bytes from the workers tab's formatBytes() text, e.g. "85.3 MB"; NaN if it is not that format. */
export function parseFormattedBytes(text: string): number {
  const units = ['Bytes', 'KB', 'MB', 'GB', 'TB'];
  const m = /^(\d+(?:\.\d+)?) (\w+)$/.exec(text);
  const power = m ? units.indexOf(m[2]!) : -1;
  return m && power >= 0 ? Number(m[1]) * 1024 ** power : Number.NaN;
}

/** Percent from the workers tab's CPU cell, e.g. "3.2%"; NaN if it is not that format. */
export function parsePercent(text: string): number {
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  return m ? Number(m[1]) : Number.NaN;
}
