import { Get, Header, Inject, NotFoundException, Param, Req, StreamableFile } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { ConsoleAssets } from './console-assets.js';
import { CONSOLE_ASSETS, CONSOLE_CONFIG } from './console.constants.js';
import type { ConsoleConfig } from './console.options.js';

/**
 * The console's own files, mounted at `console.route`: a page and its script and styles, with no data in them. The
 * page reads everything through the admin API, whose guards answer for it; so this controller has none of its own.
 */
@ApiExcludeController()
export class ConsoleController {
  private readonly page: string;

  constructor(
    @Inject(CONSOLE_ASSETS) private readonly assets: ConsoleAssets,
    @Inject(CONSOLE_CONFIG) config: ConsoleConfig,
  ) {
    // As JSON inside a script element: `<` escaped, so no value can close the element.
    const json = JSON.stringify(config).replace(/</g, '\\u003c');
    this.page = assets.html.replace('<!--CONFIG-->', `<script id="console-config" type="application/json">${json}</script>`);
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'",
  )
  index(@Req() req: { originalUrl?: string; url: string }): string {
    // The page's own path, as the browser asked for it (global prefix included, with or without a trailing slash):
    // the assets are below it. Only this route's path can reach here; it is escaped all the same.
    const path = new URL(req.originalUrl ?? req.url, 'http://host').pathname.replace(/\/+$/, '');
    return this.page.replaceAll('assets/', `${escapeAttribute(path)}/assets/`);
  }

  @Get('assets/:file')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('file') file: string): StreamableFile {
    const found = this.assets.files.get(file);
    if (!found) throw new NotFoundException();
    return new StreamableFile(found.body, { type: found.type });
  }
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
