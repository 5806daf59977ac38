/** The wallets PingPong's CodeGrant sign-up supports (PROVIDERS.md, pingpong). */
export const PINGPONG_WALLETS = [
  'AlipayHK',
  'Alipay',
  'GCash',
  'DANA',
  'Kakaopay',
  'TNG eWallet',
  'Boost',
  'True Money',
  'Rabbit LINE Pay',
] as const;
