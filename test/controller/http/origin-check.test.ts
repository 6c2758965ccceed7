import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSameOrigin } from '../../../controller/http/origin-check.ts';

describe('isSameOrigin', () => {
  const loopback = { host: '127.0.0.1', port: 8080 };
  const cases: [string, string | undefined, string | undefined, { host: string; port: number }, boolean][] = [
    ['same origin', '127.0.0.1:8080', 'http://127.0.0.1:8080', loopback, true],
    ['no Origin (curl)', '127.0.0.1:8080', undefined, loopback, true],
    ['localhost on a loopback listener', 'localhost:8080', 'http://localhost:8080', loopback, true],
    ['[::1] on a loopback listener', '[::1]:8080', 'http://[::1]:8080', loopback, true],
    ['a foreign Origin', '127.0.0.1:8080', 'http://evil.example', loopback, false],
    ['Origin null', '127.0.0.1:8080', 'null', loopback, false],
    ['Origin on another port', '127.0.0.1:8080', 'http://127.0.0.1:9090', loopback, false],
    ['https Origin', '127.0.0.1:8080', 'https://127.0.0.1:8080', loopback, false],
    ['Origin host differs from Host', 'localhost:8080', 'http://127.0.0.1:8080', loopback, false],
    ['a DNS name in Host (rebinding)', 'evil.example:8080', 'http://evil.example:8080', loopback, false],
    ['a DNS name in Host without Origin', 'evil.example:8080', undefined, loopback, false],
    ['no Host', undefined, undefined, loopback, false],
    ['Host on another port', '127.0.0.1:9090', undefined, loopback, false],
    ['Host with userinfo', 'a@127.0.0.1:8080', undefined, loopback, false],
    ['a wildcard listener reached by IP', '192.0.2.7:8080', 'http://192.0.2.7:8080', { host: '0.0.0.0', port: 8080 }, true],
    ['a wildcard listener reached by a DNS name', 'ctl.example:8080', 'http://ctl.example:8080', { host: '0.0.0.0', port: 8080 }, false],
    ['a specific non-loopback listener', '192.0.2.7:8080', 'http://192.0.2.7:8080', { host: '192.0.2.7', port: 8080 }, true],
    ['localhost on a non-loopback listener', 'localhost:8080', undefined, { host: '192.0.2.7', port: 8080 }, false],
    ['port 80 implied', '127.0.0.1', 'http://127.0.0.1', { host: '127.0.0.1', port: 80 }, true],
  ];
  for (const [why, host, origin, listen, expected] of cases) {
    it(`${expected ? 'accepts' : 'refuses'} ${why}`, () => assert.equal(isSameOrigin(host, origin, listen), expected));
  }
});
