import fs from 'fs';
import { chromium } from 'playwright-core';

/** Renders an evidence report's HTML as a PDF, when a browser is available. */
export interface EvidencePdfRenderer {
  /** Why no PDF can be made here, or undefined when one can. */
  unavailable(): string | undefined;
  render(html: string): Promise<Buffer>;
}

/** Where headless Chromium is looked for, first found wins. */
export const CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/**
 * PDFs printed by headless Chromium (Debian's `chromium` package, or the
 * browser at `executablePath`): the page has no network, runs no script and
 * is printed on A4 with its print CSS.
 */
export class ChromiumPdfRenderer implements EvidencePdfRenderer {
  readonly #path: string | undefined;

  constructor(options: { executablePath?: string } = {}) {
    this.#path =
      options.executablePath ?? CHROMIUM_PATHS.find(p => fs.existsSync(p));
  }

  unavailable(): string | undefined {
    if (!this.#path || !fs.existsSync(this.#path)) {
      return `PDF export needs headless Chromium, which is not installed (looked for ${
        this.#path ?? CHROMIUM_PATHS.join(', ')
      }); use format=html and print it`;
    }
    return undefined;
  }

  async render(html: string): Promise<Buffer> {
    const browser = await chromium.launch({
      executablePath: this.#path,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    try {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        offline: true,
      });
      const page = await context.newPage();
      await page.route('**/*', route => route.abort());
      await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
      return await page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await browser.close();
    }
  }
}
