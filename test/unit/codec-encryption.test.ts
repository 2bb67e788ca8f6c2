/**
 * The AES-256-GCM payload codec and the keys it reads from the environment: round trips,
 * tampering, wrong keys, rotation, and the error messages a person sees when a key is wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  createDataConverter,
  deriveKeyId,
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  EncryptionKeyError,
  generateEncryptionKey,
  PayloadDecryptionError,
  UnknownEncryptionKeyError,
  loadEncryptionKeyring,
  parseEncryptionKey,
} from '../../src/codec';

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

function codecFor(env: NodeJS.ProcessEnv): EncryptionCodec {
  const codec = EncryptionCodec.fromEnv(env);
  if (!codec) throw new Error('expected a codec');
  return codec;
}

const secretMessage = { message: 'The launch code is 0000 — tell nobody', pinned: true };

function plainPayloads(): Payload[] {
  return [
    defaultPayloadConverter.toPayload(secretMessage),
    defaultPayloadConverter.toPayload(undefined),
    defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2, 255])),
    defaultPayloadConverter.toPayload('naïve 日本語 🎉'),
  ];
}

describe('EncryptionCodec', () => {
  const keyA = generateEncryptionKey();
  const keyB = generateEncryptionKey();

  it('encrypts every payload and decrypts it back to the identical payload', async () => {
    const codec = codecFor({ BATON_ENCRYPTION_KEY: keyA });
    const original = plainPayloads();
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(original.length);
    for (const p of encoded) {
      expect(Object.keys(p.metadata ?? {}).sort()).toEqual(['encoding', 'encryption-key-id']);
      expect(text(p.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(p.metadata?.['encryption-key-id'])).toBe(deriveKeyId(Buffer.from(keyA, 'base64')));
      // Neither the content nor the original encoding shows through.
      expect(text(p.data)).not.toContain('launch code');
      expect(text(p.data)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(
      original.map((p) => defaultPayloadConverter.fromPayload(p)),
    );
    for (const [i, p] of decoded.entries()) {
      expect(text(p.metadata?.encoding)).toBe(text(original[i]?.metadata?.encoding));
      expect(Buffer.from(p.data ?? []).equals(Buffer.from(original[i]?.data ?? []))).toBe(true);
    }
  });

  it('uses a fresh nonce each time, so equal payloads give different ciphertexts', async () => {
    const codec = codecFor({ BATON_ENCRYPTION_KEY: keyA });
    const [a, b] = await codec.encode([
      defaultPayloadConverter.toPayload('same'),
      defaultPayloadConverter.toPayload('same'),
    ]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('passes payloads that are not encrypted through unchanged (histories from before the key)', async () => {
    const codec = codecFor({ BATON_ENCRYPTION_KEY: keyA });
    const plain = plainPayloads();
    expect(await codec.decode(plain)).toEqual(plain);
    expect(await codec.encode([])).toEqual([]);
  });

  describe('tampering', () => {
    async function encrypted(): Promise<{ codec: EncryptionCodec; payload: Payload }> {
      const codec = codecFor({ BATON_ENCRYPTION_KEY: keyA, BATON_ENCRYPTION_KEYS_OLD: keyB });
      const [payload] = await codec.encode([defaultPayloadConverter.toPayload(secretMessage)]);
      return { codec, payload: payload! };
    }

    it.each([
      ['a flipped ciphertext byte', (d: Buffer) => (d[20] = (d[20] ?? 0) ^ 1)],
      ['a flipped nonce byte', (d: Buffer) => (d[0] = (d[0] ?? 0) ^ 1)],
      ['a flipped tag byte', (d: Buffer) => (d[d.length - 1] = (d[d.length - 1] ?? 0) ^ 0x80)],
    ])('rejects %s with PayloadDecryptionError', async (_label, alter) => {
      const { codec, payload } = await encrypted();
      const data = Buffer.from(payload.data ?? []);
      alter(data);
      const error: unknown = await codec.decode([{ ...payload, data }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadDecryptionError);
      expect((error as Error).message).toMatch(/failed authentication and was not used/);
    });

    it('rejects a truncated payload', async () => {
      const { codec, payload } = await encrypted();
      await expect(
        codec.decode([{ ...payload, data: payload.data?.subarray(0, 10) ?? null }]),
      ).rejects.toThrow(/too short/);
      await expect(
        codec.decode([{ ...payload, data: payload.data?.subarray(0, 40) ?? null }]),
      ).rejects.toBeInstanceOf(PayloadDecryptionError);
    });

    it('rejects a payload whose key id was switched to another key it has', async () => {
      const { codec, payload } = await encrypted();
      const other = Buffer.from(deriveKeyId(Buffer.from(keyB, 'base64')));
      const error: unknown = await codec
        .decode([{ ...payload, metadata: { ...payload.metadata, 'encryption-key-id': other } }])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PayloadDecryptionError);
    });

    it('rejects an encrypted payload without a key id', async () => {
      const { codec, payload } = await encrypted();
      await expect(
        codec.decode([{ ...payload, metadata: { encoding: Buffer.from('binary/encrypted') } }]),
      ).rejects.toThrow(/no encryption-key-id metadata/);
    });
  });

  describe('wrong keys', () => {
    it('says which key a payload needs when this process does not have it', async () => {
      const writer = codecFor({ BATON_ENCRYPTION_KEY: keyA });
      const reader = codecFor({ BATON_ENCRYPTION_KEY: keyB });
      const encoded = await writer.encode([defaultPayloadConverter.toPayload(secretMessage)]);
      const error: unknown = await reader.decode(encoded).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
      expect((error as UnknownEncryptionKeyError).keyId).toBe(writer.current.id);
      expect((error as Error).message).toContain(
        `payload was encrypted with key ${writer.current.id}, which this process does not have`,
      );
      expect((error as Error).message).toContain(`it has key ${reader.current.id}`);
      expect((error as Error).message).toMatch(/BATON_ENCRYPTION_KEYS_OLD/);
      expect((error as Error).message).not.toContain(keyA);
      expect((error as Error).message).not.toContain(keyB);
    });

    it('detects a different key under the same explicit id', async () => {
      const writer = codecFor({ BATON_ENCRYPTION_KEY: keyA, BATON_ENCRYPTION_KEY_ID: 'prod-2026' });
      const reader = codecFor({ BATON_ENCRYPTION_KEY: keyB, BATON_ENCRYPTION_KEY_ID: 'prod-2026' });
      const encoded = await writer.encode([defaultPayloadConverter.toPayload(secretMessage)]);
      await expect(reader.decode(encoded)).rejects.toThrow(/different key that has the same id/);
    });
  });

  describe('key rotation', () => {
    it('reads payloads of a rotated-out key kept in BATON_ENCRYPTION_KEYS_OLD, and writes with the new key', async () => {
      const before = codecFor({ BATON_ENCRYPTION_KEY: keyA });
      const written = await before.encode([defaultPayloadConverter.toPayload(secretMessage)]);
      const keyC = generateEncryptionKey();
      const after = codecFor({ BATON_ENCRYPTION_KEY: keyB, BATON_ENCRYPTION_KEYS_OLD: ` ${keyC} , ${keyA}` });
      expect(after.keyIds).toEqual([
        after.current.id,
        deriveKeyId(Buffer.from(keyC, 'base64')),
        before.current.id,
      ]);
      expect(defaultPayloadConverter.fromPayload((await after.decode(written))[0]!)).toEqual(secretMessage);
      const rewritten = await after.encode([defaultPayloadConverter.toPayload(secretMessage)]);
      expect(text(rewritten[0]?.metadata?.['encryption-key-id'])).toBe(after.current.id);
      // A process that never had the new key cannot read what it wrote.
      await expect(before.decode(rewritten)).rejects.toBeInstanceOf(UnknownEncryptionKeyError);
    });

    it('finds old keys by explicit id when written as id:key', async () => {
      const before = codecFor({ BATON_ENCRYPTION_KEY: keyA, BATON_ENCRYPTION_KEY_ID: 'k-2025' });
      const written = await before.encode([defaultPayloadConverter.toPayload('old')]);
      const after = codecFor({
        BATON_ENCRYPTION_KEY: keyB,
        BATON_ENCRYPTION_KEY_ID: 'k-2026',
        BATON_ENCRYPTION_KEYS_OLD: `k-2025:${keyA}`,
      });
      expect(defaultPayloadConverter.fromPayload((await after.decode(written))[0]!)).toBe('old');
    });
  });
});

describe('encryption keys from the environment', () => {
  const raw = randomBytes(32);

  it('accepts hex, base64 and URL-safe base64 without padding, trimmed', () => {
    for (const written of [
      raw.toString('hex'),
      raw.toString('hex').toUpperCase(),
      raw.toString('base64'),
      ` ${raw.toString('base64')}\n`,
      raw.toString('base64url'),
    ]) {
      expect(parseEncryptionKey(written, 'BATON_ENCRYPTION_KEY').equals(raw)).toBe(true);
    }
  });

  it.each([
    ['a 16-byte base64 key', randomBytes(16).toString('base64'), /base64 of 16 bytes, not 32/],
    ['a 33-byte hex key', randomBytes(33).toString('hex'), /neither|not 32/],
    ['a passphrase', 'correct horse battery staple', /neither/],
    ['base64 with a stray character', `${raw.toString('base64').slice(0, 40)}!abc`, /neither/],
  ])('rejects %s, naming the variable and the format but not the value', (_label, value, reason) => {
    const error: unknown = (() => {
      try {
        return loadEncryptionKeyring({ BATON_ENCRYPTION_KEY: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EncryptionKeyError);
    expect((error as EncryptionKeyError).variable).toBe('BATON_ENCRYPTION_KEY');
    const message = (error as Error).message;
    expect(message).toMatch(
      /^BATON_ENCRYPTION_KEY must be a 32-byte key written as 64 hex characters or as base64/,
    );
    expect(message).toMatch(/openssl rand -base64 32/);
    expect(message).toMatch(reason);
    expect(message).not.toContain(value);
  });

  it('derives the key id from the key (first 8 hex of its SHA-256) unless BATON_ENCRYPTION_KEY_ID is set', () => {
    const expected = createHash('sha256').update(raw).digest('hex').slice(0, 8);
    expect(loadEncryptionKeyring({ BATON_ENCRYPTION_KEY: raw.toString('hex') })?.current.id).toBe(expected);
    expect(
      loadEncryptionKeyring({ BATON_ENCRYPTION_KEY: raw.toString('hex'), BATON_ENCRYPTION_KEY_ID: 'prod.1' })
        ?.current.id,
    ).toBe('prod.1');
    expect(() =>
      loadEncryptionKeyring({
        BATON_ENCRYPTION_KEY: raw.toString('hex'),
        BATON_ENCRYPTION_KEY_ID: 'has space',
      }),
    ).toThrow(/BATON_ENCRYPTION_KEY_ID has the key id "has space"/);
  });

  it('means "no encryption" when no key is set, and refuses companions without a key', () => {
    expect(loadEncryptionKeyring({})).toBeUndefined();
    expect(loadEncryptionKeyring({ BATON_ENCRYPTION_KEY: '  ' })).toBeUndefined();
    expect(() => loadEncryptionKeyring({ BATON_ENCRYPTION_KEYS_OLD: raw.toString('hex') })).toThrow(
      /BATON_ENCRYPTION_KEYS_OLD is set but BATON_ENCRYPTION_KEY is not/,
    );
    expect(() => loadEncryptionKeyring({ BATON_ENCRYPTION_KEY_ID: 'x' })).toThrow(
      /BATON_ENCRYPTION_KEY_ID is set but BATON_ENCRYPTION_KEY is not/,
    );
  });

  it('names the bad entry of BATON_ENCRYPTION_KEYS_OLD and refuses two keys under one id', () => {
    const current = raw.toString('hex');
    expect(() =>
      loadEncryptionKeyring({ BATON_ENCRYPTION_KEY: current, BATON_ENCRYPTION_KEYS_OLD: `${current},short` }),
    ).toThrow(/BATON_ENCRYPTION_KEYS_OLD \(entry 2\) must be a 32-byte key/);
    expect(() =>
      loadEncryptionKeyring({
        BATON_ENCRYPTION_KEY: current,
        BATON_ENCRYPTION_KEY_ID: 'same',
        BATON_ENCRYPTION_KEYS_OLD: `same:${generateEncryptionKey()}`,
      }),
    ).toThrow(/uses the key id same for a different key/);
  });
});

describe('createDataConverter', () => {
  it('is undefined without a key, so Temporal’s default (unencrypted) converter is used', () => {
    expect(createDataConverter({})).toBeUndefined();
  });

  it('holds the encryption codec when BATON_ENCRYPTION_KEY is set', () => {
    const converter = createDataConverter({ BATON_ENCRYPTION_KEY: generateEncryptionKey() });
    expect(converter?.payloadCodecs).toHaveLength(1);
    expect(converter?.payloadCodecs?.[0]).toBeInstanceOf(EncryptionCodec);
  });

  it('fails on a malformed key instead of silently not encrypting', () => {
    expect(() => createDataConverter({ BATON_ENCRYPTION_KEY: 'oops' })).toThrow(EncryptionKeyError);
  });
});
