/**
 * Store migration 4 (sql-migrations/0040-replication-meta-links.ts): the file gets `rx_meta_links`, empty, and the
 * version that makes an older build refuse it (a compact replication meta row would look broken to that build). From
 * the shipped v1 file (test/fixtures/store-v1) and from a version-3 file as the previous build left it.
 */
import { describe, expect, it } from 'vitest';
import type { Runtime } from '../../../main/services/runtime';
import { sqlOf, storeV1Runtimes } from '../../helpers/store-v1';

const { copy, open, close } = storeV1Runtimes();
const links = (r: Runtime): unknown =>
  sqlOf(r).prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'rx_meta_links'").pluck().get();

describe('store migration 4: replication meta links', () => {
  it('brings the shipped v1 file and a version-3 file to version 4 with an empty rx_meta_links', async () => {
    const dataDir = copy('cunyi-v1-meta-');
    let r = await open(dataDir);
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(4);
    expect(links(r)).toBe('rx_meta_links');
    expect(sqlOf(r).prepare('SELECT count(*) FROM rx_meta_links').pluck().get()).toBe(0);
    // What the previous build left: version 3, no links table.
    sqlOf(r).exec('DROP TABLE rx_meta_links');
    sqlOf(r).pragma('user_version = 3');
    await close(r);
    r = await open(dataDir);
    expect(sqlOf(r).pragma('user_version', { simple: true })).toBe(4);
    expect(links(r)).toBe('rx_meta_links');
  });
});
