/**
 * The web page in the browser's language: its own words (title, heading, introduction, field, button, error notices) in
 * German and Swedish for a de* or sv* browser, English otherwise; the command its introduction names works.
 */
import { describe, expect, it } from 'vitest';
import { whysMessages } from '../../src/dialogs/whys/messages.js';
import { browserRig } from '../helpers/browser.js';

const PAGES = [
  { locale: 'de-AT', lang: 'de', title: 'Internationalisierungsberater für KMU', send: 'Senden', placeholder: /^Ihre Frage, z\. B\./, typed: '5 Warum', error: 'Fehler 502', unreachable: /^Der Berater ist nicht erreichbar: / },
  { locale: 'sv-SE', lang: 'sv', title: 'Internationaliseringsrådgivare för små och medelstora företag', send: 'Skicka', placeholder: /^Skriv en fråga/, typed: '5 varför', error: 'Fel 502', unreachable: /^Det gick inte att nå rådgivaren: / },
  { locale: 'fr-FR', lang: 'en', title: 'SME internationalisation advisor', send: 'Send', placeholder: /^Type a question/, typed: '5 whys', error: 'Error 502', unreachable: /^The advisor could not be reached: / },
] as const;

describe('web page in the browser’s language', () => {
  const rig = browserRig();

  it.each(PAGES)('$locale: the page speaks $lang and its introduction’s command starts the 5 Whys', async (p) => {
    const context = await rig.browser.newContext({ locale: p.locale });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(rig.server.url);
    expect(await page.evaluate(() => navigator.language)).toBe(p.locale);
    expect(await page.title()).toBe(p.title);
    expect(await page.locator('html').getAttribute('lang')).toBe(p.lang);
    expect(await page.locator('h1').innerText()).toBe(p.title);
    expect(await page.locator('#composer button[type=submit]').innerText()).toBe(p.send);
    expect(await page.locator('#message').getAttribute('placeholder')).toMatch(p.placeholder);
    expect(await page.locator('#intro b').innerText()).toBe(p.typed);
    await page.fill('#message', await page.locator('#intro b').innerText());
    await page.press('#message', 'Enter');
    const intro = whysMessages(p.lang).intro.split('\n')[1]!.slice(0, 30);
    await expect.poll(() => page.locator('.msg.bot').last().innerText()).toContain(intro);
    // The page's own notices when the server gives no sentence of its own, or cannot be reached at all.
    await page.route('**/api/chat', (route) => route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>Bad gateway</h1>' }));
    await page.fill('#message', p.typed);
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.bot.error').last().innerText()).toBe(p.error);
    await page.unroute('**/api/chat');
    await page.route('**/api/chat', (route) => route.abort('connectionrefused'));
    await page.fill('#message', p.typed);
    await page.press('#message', 'Enter');
    await expect.poll(() => page.locator('.msg.bot.error').last().innerText(), { timeout: 10_000 }).toMatch(p.unreachable);
    expect(errors).toEqual([]);
    await context.close();
  });
});
