import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A real .deb built with dpkg-deb: package name, version, architecture and a random payload of a size. */
export function buildDeb(dir: string, pkg: string, version: string, arch = 'amd64', payloadBytes = 0): string {
  const tree = join(dir, `tree-${pkg}-${version}-${arch}`);
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  writeFileSync(join(tree, 'DEBIAN', 'control'), `Package: ${pkg}\nVersion: ${version}\nArchitecture: ${arch}\nMaintainer: test <t@example.com>\nDescription: test package\n`);
  mkdirSync(join(tree, 'usr', 'share', pkg), { recursive: true });
  // Random bytes do not compress: the .deb is about as large as the payload.
  const payload = Buffer.alloc(payloadBytes);
  for (let i = 0; i < payloadBytes; i++) payload[i] = Math.floor(Math.random() * 256);
  writeFileSync(join(tree, 'usr', 'share', pkg, 'payload'), payload);
  const out = join(dir, `${pkg}_${version}_${arch}.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', tree, out], { stdio: 'ignore' });
  return out;
}
