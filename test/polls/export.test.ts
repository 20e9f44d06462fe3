/** A poll's files: the CSV (BOM, formula guard, no voter column when anonymous) and the PNG chart (decodes, has text). */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { resultsChart, resultsCsv, votesCsv } from '../../src/advisor/polls/export.js';
import { emptyTally, type Poll } from '../../src/advisor/polls/model.js';

const poll = (over: Partial<Poll> = {}): Poll => ({
  v: 1, id: 'abcdef', kind: 'dots', question: 'Which barriers first?', options: ['=HYPERLINK("http://evil.example","x")', '+1 funding', '-cost', '@sum', '\tTab', 'Ämne på svenska'],
  anonymous: false, results: 'live', dots: 3, least: true, threshold: 2, timeZone: 'Europe/Berlin', lang: 'en', address: { channel: 'cli', conversation: 'C1' },
  createdAt: '2026-12-01T09:00:00.000Z', edition: 1, messages: [], ...over,
});
const text = (data: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(data);

describe('poll export', () => {
  it('writes UTF-8 CSV with a BOM and neutralises cells that a spreadsheet would run as formulas', () => {
    const p = poll();
    const tally = { ...emptyTally(p), voters: 2, most: [2, 1, 0, 0, 0, 3], least: [0, 0, 2, 0, 0, 0] };
    const csv = text(resultsCsv(p, tally, 'en').data);
    expect(csv.startsWith('\ufeffpoll,question,option,dots,percent,least important dots,most important,least important\r\n')).toBe(true);
    const rows = csv.trim().split('\r\n').slice(1);
    expect(rows[0]).toBe(`abcdef,Which barriers first?,"'=HYPERLINK(""http://evil.example"",""x"")",2,33,0,x,`);
    expect(rows[1]).toBe("abcdef,Which barriers first?,'+1 funding,1,17,0,,");
    expect(rows[2]).toBe("abcdef,Which barriers first?,'-cost,0,0,2,,x");
    expect(rows[3]).toBe("abcdef,Which barriers first?,'@sum,0,0,0,,");
    expect(rows[4]).toBe("abcdef,Which barriers first?,'\tTab,0,0,0,,");
    expect(rows[5]).toBe('abcdef,Which barriers first?,Ämne på svenska,3,50,0,x,');
    const votes = text(votesCsv(p, [{ most: [1, 1, 1, 0, 0, 0], least: [0, 0, 0, 0, 0, 3], user: '=cmd', at: '2026-12-01T09:00:00.000Z', events: [] }], 'de').data);
    expect(votes.split('\r\n')[0]).toMatch(/^\ufeffAbstimmende Person,"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)",'\+1 funding,'-cost,'@sum,'\tTab,Ämne på svenska,"Punkte am wenigsten wichtig: =HYPERLINK/);
    expect(votes.split('\r\n')[1]).toBe("'=cmd,1,1,1,0,0,0,0,0,0,0,0,3,2026-12-01T09:00:00.000Z");
    expect(() => votesCsv({ ...p, anonymous: true }, [], 'en')).toThrow(/no voter rows/);
  });

  it('draws the results as a PNG bar chart with its text in the font that ships with the advisor', async () => {
    const p = poll({ options: ['Finance', 'Skills', 'Contacts'] });
    const chart = await resultsChart(p, { ...emptyTally(p), voters: 3, most: [4, 1, 2], least: [0, 3, 1] }, 'en');
    expect(chart).toMatchObject({ name: 'poll-abcdef-chart.png', mimeType: 'image/png', alt: 'Bar chart of the results of the poll “Which barriers first?”' });
    const png = PNG.sync.read(Buffer.from(chart.data));
    expect(png.width).toBe(900);
    // The title sits alone at the top left, above the bars: dark pixels there are its letters (resvg draws no text
    // without a font, and then this band stays white).
    let dark = 0;
    for (let y = 10; y < 34; y++) {
      for (let x = 16; x < 260; x++) {
        const i = (y * png.width + x) * 4;
        if (png.data[i]! < 120 && png.data[i + 1]! < 120 && png.data[i + 2]! < 120) dark++;
      }
    }
    expect(dark).toBeGreaterThan(200);
  });
});
