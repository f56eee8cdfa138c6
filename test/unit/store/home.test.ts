import { describe, expect, it } from 'vitest';
import { argoHome } from '../../../src/store/home.js';

describe('argoHome', () => {
  it('prefers $ARGO_HOME everywhere', () => {
    expect(argoHome({ ARGO_HOME: '/srv/argo' }, 'linux', '/home/u')).toBe('/srv/argo');
    expect(argoHome({ ARGO_HOME: 'C:\\argo' }, 'win32', 'C:\\Users\\u')).toBe('C:\\argo');
  });

  it('uses the XDG data directory on Linux', () => {
    expect(argoHome({}, 'linux', '/home/u')).toBe('/home/u/.local/share/argo-ts');
    expect(argoHome({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u')).toBe('/data/argo-ts');
    // A relative XDG_DATA_HOME is invalid per the spec and ignored.
    expect(argoHome({ XDG_DATA_HOME: 'rel' }, 'linux', '/home/u')).toBe('/home/u/.local/share/argo-ts');
    expect(argoHome({}, 'freebsd', '/home/u')).toBe('/home/u/.local/share/argo-ts');
  });

  it('uses Application Support on macOS', () => {
    expect(argoHome({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/argo-ts');
  });

  it('uses %LOCALAPPDATA% on Windows', () => {
    expect(argoHome({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Local\\argo-ts',
    );
    expect(argoHome({}, 'win32', 'C:\\Users\\u')).toBe('C:\\Users\\u\\AppData\\Local\\argo-ts');
  });

  it('defaults to the real environment', () => {
    const saved = process.env.ARGO_HOME;
    process.env.ARGO_HOME = '/tmp/x-argo-home';
    try {
      expect(argoHome()).toBe('/tmp/x-argo-home');
    } finally {
      if (saved === undefined) delete process.env.ARGO_HOME;
      else process.env.ARGO_HOME = saved;
    }
  });
});
