// scripts/install-system.sh takes the backports mirror from the machine's own Debian sources.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

function backportsSource(files: Record<string, string>): string {
  const apt = mkdtempSync(join(tmpdir(), 'apt-'));
  mkdirSync(join(apt, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(apt, name), text);
  return execFileSync('bash', [join(ROOT, 'scripts/install-system.sh'), '--print-backports-source'], { env: { ...process.env, APT_DIR: apt }, encoding: 'utf8' });
}

describe('install-system.sh backports source', () => {
  it('uses the URI of the deb822 source that serves the release, not the security one', () => {
    const source = backportsSource({
      'sources.list.d/debian.sources': [
        'Types: deb', 'URIs: http://deb.debian.org/debian-security', 'Suites: bookworm-security', 'Components: main', '',
        'Types: deb', '# a mirror of our own', 'URIs: http://mirror.example.org/debian', 'Suites: bookworm bookworm-updates', 'Components: main', '',
      ].join('\n'),
    });
    expect(source).toMatch(/^URIs: http:\/\/mirror\.example\.org\/debian$/m);
    expect(source).toMatch(/^Suites: bookworm-backports$/m);
  });

  it('reads one-line sources.list entries (with options) and falls back to deb.debian.org', () => {
    expect(backportsSource({ 'sources.list': 'deb http://security.debian.org/debian-security bookworm-security main\ndeb [arch=amd64 signed-by=/k.gpg] http://ftp.fr.debian.org/debian bookworm main\n' }))
      .toMatch(/^URIs: http:\/\/ftp\.fr\.debian\.org\/debian$/m);
    expect(backportsSource({})).toMatch(/^URIs: http:\/\/deb\.debian\.org\/debian$/m);
  });
});
