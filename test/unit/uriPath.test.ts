import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UriPath } from '../../server/src/index/uriPath';
import { seeded } from '../support/edits';

describe('UriPath.sharedDepth', () => {
  test('counts the whole folder segments two paths share from the root', () => {
    assert.equal(UriPath.sharedDepth('/a/b/c', '/a/b/d'), 2);
    assert.equal(UriPath.sharedDepth('/a/b', '/a/b'), 2);
    assert.equal(UriPath.sharedDepth('/a/bc', '/a/b'), 1);
    assert.equal(UriPath.sharedDepth('/a/b', '/a/bc'), 1);
    assert.equal(UriPath.sharedDepth('/x', '/y'), 0);
    assert.equal(UriPath.sharedDepth('', '/a'), 0);
    assert.equal(UriPath.sharedDepth('/', '/'), 0);
    assert.equal(UriPath.sharedDepth('/a//b/', 'a/b//c'), 2);
  });

  test('agrees with splitting both paths into segments, on random paths', () => {
    const bySegments = (a: string, b: string): number => {
      const left = a.split('/').filter(Boolean);
      const right = b.split('/').filter(Boolean);
      let depth = 0;
      while (depth < left.length && depth < right.length && left[depth] === right[depth]) depth++;
      return depth;
    };
    const random = seeded(7);
    const path = (): string =>
      Array.from(
        { length: Math.floor(random() * 8) },
        () => ['/', 'a', 'b', 'ab', 'é', '//'][Math.floor(random() * 6)],
      ).join('');
    for (let i = 0; i < 5000; i++) {
      const a = path();
      const b = random() < 0.5 ? a + path() : path();
      assert.equal(UriPath.sharedDepth(a, b), bySegments(a, b), `${a} | ${b}`);
      assert.equal(UriPath.sharedDepth(b, a), bySegments(b, a), `${b} | ${a}`);
    }
  });
});

describe('UriPath.folderOf', () => {
  test("is the decoded folder of a URI's path, the same when asked again", () => {
    for (let round = 0; round < 2; round++) {
      assert.equal(UriPath.folderOf('file:///work/my%20app/k8s/service.yaml'), '/work/my app/k8s');
      assert.equal(UriPath.folderOf('vscode-vfs://github/org/repo/service.yaml'), '/org/repo');
      assert.equal(UriPath.folderOf('untitled:Untitled-1'), '');
    }
  });
});
