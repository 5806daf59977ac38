import { hostStyles } from '../base.styles.ts';
import { walletButtonStyles } from '../wallet-button/wallet-button.styles.ts';

export const connectWalletStyles = [hostStyles, walletButtonStyles];
