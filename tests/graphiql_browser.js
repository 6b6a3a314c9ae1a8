// Opens GraphiQL in headless Chromium, runs a query through its editor and saves a screenshot;
// with `closed`, checks instead that GraphiQL shows the endpoint's refusal to be introspected.
// Usage: node tests/graphiql_browser.js <graphiql url> <screenshot.png> [closed]
// Resolves playwright-core from NODE_PATH (the test installs it into target/graphiql-browser).
const { chromium } = require('playwright-core');

const QUERY = '{ posts(limit: 2, orderBy: [{field: TITLE, direction: ASC}]) { title author { name } comments { content } } }';

(async () => {
  const [url, screenshot, mode] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const failures = [];
    page.on('requestfailed', (r) => failures.push(r.url()));
    page.on('pageerror', (e) => failures.push(String(e)));
    await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30000 });
    if (mode === 'closed') {
      await page.waitForFunction(
        () => document.body.innerText.includes('introspection is disabled'),
        null,
        { timeout: 30000 },
      );
      const shown = await page.evaluate(() => document.body.innerText);
      await page.screenshot({ path: screenshot });
      console.log(JSON.stringify({ shown, failures }));
      return;
    }
    await page.evaluate((q) => {
      document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(q);
    }, QUERY);
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      () => document.querySelector('.graphiql-response')?.innerText.includes('"author"'),
      null,
      { timeout: 30000 },
    );
    const response = await page.evaluate(
      () => document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue(),
    );
    await page.screenshot({ path: screenshot });
    console.log(JSON.stringify({ response: JSON.parse(response), failures }));
  } finally {
    await browser.close();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
