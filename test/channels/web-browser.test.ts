import { describe, expect, it } from 'vitest';
import { browserRig } from '../helpers/browser.js';

describe('web chat in Chromium', () => {
  const rig = browserRig();

  it('types a question, sees the answer with links and buttons, and clicks a button', async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(rig.server.url);
    await page.fill('#message', 'Do we need CE marking to sell our machines in Norway?');
    await page.press('#message', 'Enter');
    const answer = page.locator('.msg.bot').first();
    await answer.waitFor();
    await expect.poll(() => answer.innerText()).toMatch(/Certification/);
    expect(await answer.locator('a[href^="https://"]').count()).toBeGreaterThan(0);
    const before = await page.locator('.msg.bot').count();
    const more = page.locator('.msg.bot button', { hasText: 'More' }).first();
    await more.click();
    await expect.poll(() => page.locator('.msg.bot').count(), { timeout: 10_000 }).toBe(before + 1);
    await expect.poll(() => page.locator('.msg.bot').last().innerText()).toMatch(/\(more\)/);
    // User text is shown as text, never as markup.
    await page.fill('#message', '<img src=x onerror=alert(1)> **bold**');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.user').last().innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('.msg img').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('renders the profile form and saves what the visitor picks', async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(rig.server.url);
    await page.fill('#message', 'my profile');
    await page.press('#message', 'Enter');
    const form = page.locator('.msg.bot form.input').last();
    await form.waitFor();
    await form.locator('select').first().selectOption('SE');
    await form.locator('select').nth(1).selectOption('automotive');
    await form.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('.msg.bot').allInnerTexts().then((t) => t.join('\n')), { timeout: 10_000 }).toMatch(/Saved: your company is in Sweden[\s\S]*Saved: your sector is Automotive/);
    expect(errors).toEqual([]);
  });

  it('keeps its identity in an HttpOnly cookie and retries a lost answer with the same message id, answered once', async () => {
    const page = await rig.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(rig.server.url);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('advisor-user'))).toBeNull();
    const sent: { id?: string; user?: string }[] = [];
    let lost = false;
    let lostReplyId: string | undefined;
    await page.route('**/api/chat', async (route) => {
      sent.push(route.request().postDataJSON() as { id?: string; user?: string });
      if (lost) return route.continue();
      // The server runs the turn, but the answer never reaches the page, as with a reset connection.
      lost = true;
      lostReplyId = ((await (await route.fetch()).json()) as { replies: { id: string }[] }).replies[0]!.id;
      await route.abort('connectionreset');
    });
    await page.fill('#message', 'my country is Sweden');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.bot').allInnerTexts().then((t) => t.join('\n')), { timeout: 10_000 }).toMatch(/Sweden/);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.id).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(sent[1]!.id).toBe(sent[0]!.id);
    expect(sent[0]!.user).toBeUndefined();
    // The retry got the stored answer of the first run (its reply id), not a second run.
    expect(await page.locator('.msg.bot').count()).toBe(1);
    expect(await page.locator('.msg.bot').first().getAttribute('data-id')).toBe(lostReplyId);
    await page.unroute('**/api/chat');
    // The same visitor after a reload (the cookie), and a refusal shown as the server's sentence.
    await page.reload();
    await page.fill('#message', 'my profile');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.bot').last().innerText(), { timeout: 10_000 }).toMatch(/Country: Sweden/);
    await page.route('**/api/chat', (route) => route.fulfill({ status: 429, json: { error: 'You are sending messages faster than the advisor takes them.' } }));
    await page.fill('#message', 'help');
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.bot.error').last().innerText(), { timeout: 10_000 }).toMatch(/faster than the advisor takes them/);
    expect(errors).toEqual([]);
  });
});
