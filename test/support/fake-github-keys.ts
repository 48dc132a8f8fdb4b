import { generateKeyPairSync } from "node:crypto";

/** An App's RSA key pair in the PEM forms GitHub and its clients use. */
export interface AppKey {
  /** `BEGIN RSA PRIVATE KEY`: what GitHub hands out. */
  pkcs1: string;
  /** `BEGIN PRIVATE KEY`. */
  pkcs8: string;
  /** SPKI public key, for the fake server to check JWT signatures. */
  publicKey: string;
}

/** Generates an App key (2048-bit RSA, as GitHub's). */
export function generateAppKey(): AppKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    pkcs1: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    pkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}
