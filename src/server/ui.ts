// The web UI's files (the Vite build in dist/ui), served as upstream's server serves its UI: the files
// by path, and index.html, with its <base href> set to the server's --base-href, for every other
// path, so the UI's own routes (/workflows/NS/NAME, ...) load it from any link.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** What the UI's index.html may load: its own files, the API and its streams; styles inline (the graph's). */
export const UI_CONTENT_SECURITY_POLICY = "default-src 'self' 'unsafe-inline'; img-src 'self' data:";

export interface UiFile {
  type: string;
  body: Buffer;
  /** Vite names assets by their content hash, so they never change under a name. */
  immutable: boolean;
  gzipped?: Buffer;
}

export class UiFiles {
  private constructor(
    private readonly files: Map<string, UiFile>,
    private readonly index: string,
  ) {}

  /** The UI built in `dir`, or undefined when there is none (a build without the UI). */
  static load(dir: string | undefined): UiFiles | undefined {
    if (!dir || !existsSync(path.join(dir, 'index.html'))) return undefined;
    const files = new Map<string, UiFile>();
    const walk = (folder: string): void => {
      for (const name of readdirSync(folder)) {
        const full = path.join(folder, name);
        if (statSync(full).isDirectory()) walk(full);
        else {
          const rel = `/${path.relative(dir, full).split(path.sep).join('/')}`;
          files.set(rel, {
            type: TYPES[path.extname(name)] ?? 'application/octet-stream',
            body: readFileSync(full),
            immutable: rel.startsWith('/assets/'),
          });
        }
      }
    };
    walk(dir);
    return new UiFiles(files, readFileSync(path.join(dir, 'index.html'), 'utf8'));
  }

  /** A file of the build by its URL path (`/assets/index-abc.js`); index.html is only served by `indexHtml`. */
  file(urlPath: string): UiFile | undefined {
    if (urlPath === '/index.html') return undefined;
    return this.files.get(urlPath);
  }

  /** The file's body gzipped, made once on first asking. */
  gzipped(file: UiFile): Buffer {
    file.gzipped ??= gzipSync(file.body);
    return file.gzipped;
  }

  /** index.html with its base href set to the server's. */
  indexHtml(base: string): string {
    return this.index.replace(/<base href="[^"]*"\s*\/?>/, `<base href="${escapeAttribute(`${base}/`)}">`);
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
