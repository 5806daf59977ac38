/** The wallets PingPong's CodeGrant sign-up accepts (PROVIDERS.md, pingpong), as the sandbox checks them. */
export const PINGPONG_WALLETS: readonly string[] = [
  'AlipayHK',
  'Alipay',
  'GCash',
  'DANA',
  'Kakaopay',
  'TNG eWallet',
  'Boost',
  'True Money',
  'Rabbit LINE Pay',
];
